from transformers import AutoModelForCausalLM

MODEL = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"


def load(MODEL):
    # the parameter shadows the module constant: the size is not known statically
    return AutoModelForCausalLM.from_pretrained(MODEL, load_in_4bit=True)
