import torch
from torch.utils.data import DataLoader

loader = DataLoader(prompts_dataset, batch_size=1)
for batch in loader:
    model.generate(**batch, max_new_tokens=64)
model.forward = torch.compile(model.forward)
