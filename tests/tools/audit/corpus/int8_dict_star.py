from transformers import AutoModelForCausalLM

LOAD_KWARGS = {"device_map": "auto", "load_in_8bit": True}


def load(model_id: str):
    return AutoModelForCausalLM.from_pretrained(model_id, **LOAD_KWARGS)
