from transformers import AutoModelForCausalLM, BitsAndBytesConfig

bnb_config = BitsAndBytesConfig(load_in_8bit=True)


def load(name):
    return AutoModelForCausalLM.from_pretrained(name, quantization_config=bnb_config)
