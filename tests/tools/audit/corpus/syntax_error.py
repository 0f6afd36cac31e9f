from transformers import AutoModelForCausalLM

def broken(:
    AutoModelForCausalLM.from_pretrained("x", load_in_8bit=True)
