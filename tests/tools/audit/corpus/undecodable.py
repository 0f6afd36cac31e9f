from transformers import BitsAndBytesConfig
config = BitsAndBytesConfig(load_in_8bit=True)
name = "ÿþ"
