from transformers import AutoModelForCausalLM, BitsAndBytesConfig

THRESHOLD = 0.0
config = BitsAndBytesConfig(load_in_8bit=True, llm_int8_threshold=THRESHOLD)
model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1", quantization_config=config)
