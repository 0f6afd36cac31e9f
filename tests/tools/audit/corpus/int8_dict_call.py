from transformers import AutoModelForCausalLM

base = dict(device_map="auto")
quant = dict(**base, load_in_8bit=True)
model = AutoModelForCausalLM.from_pretrained("meta-llama/Llama-2-7b-hf", **quant)
