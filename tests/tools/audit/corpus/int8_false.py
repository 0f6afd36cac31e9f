from transformers import AutoModelForCausalLM

USE_INT8 = False
model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1", load_in_8bit=USE_INT8)
