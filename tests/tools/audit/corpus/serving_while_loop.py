import torch
from transformers import AutoModelForCausalLM

model = torch.compile(AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1", torch_dtype=torch.float16))

while True:
    prompt = input("> ")
    print(model.generate(**tokenize(prompt)))
