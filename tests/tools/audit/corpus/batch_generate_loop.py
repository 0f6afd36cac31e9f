import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tok = AutoTokenizer.from_pretrained("mistralai/Mistral-7B-v0.1")
model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1", torch_dtype=torch.float16)
model = torch.compile(model)

outputs = []
for prompt in prompts:
    inputs = tok(prompt, return_tensors="pt")
    outputs.append(model.generate(**inputs, max_new_tokens=64))
