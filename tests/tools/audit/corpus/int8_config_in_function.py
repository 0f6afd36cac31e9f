import transformers


def build():
    cfg = transformers.BitsAndBytesConfig(
        load_in_8bit=True,
        llm_int8_skip_modules=["lm_head"],
    )
    model = transformers.AutoModelForCausalLM.from_pretrained("Qwen/Qwen2.5-7B", quantization_config=cfg)
    return model
