import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tok = AutoTokenizer.from_pretrained("mistralai/Mistral-7B-v0.1")
model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1", torch_dtype=torch.float16)
model.forward = torch.compile(model.forward)

for batch in batches:
    inputs = tok(batch, return_tensors="pt", padding=True)
    model.generate(**inputs)
for start in range(0, len(prompts), 32):
    model.generate(**tok(prompts[start:start + 32], return_tensors="pt", padding=True))
