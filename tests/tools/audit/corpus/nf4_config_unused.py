from transformers import BitsAndBytesConfig

from mylib import load_model

config = BitsAndBytesConfig(load_in_4bit=True)
model = load_model(config)
