import os

from transformers import BitsAndBytesConfig

config = BitsAndBytesConfig(load_in_8bit=True, llm_int8_threshold=float(os.environ["T"]))
