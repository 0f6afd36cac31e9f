# From vLLM multimodal inputs and accelerate's test scripts: batch_size=1 that never reaches generation.
from torch.utils.data import DataLoader
from vllm.multimodal.inputs import MultiModalSharedField

field = MultiModalSharedField(batch_size=1)
eval_dataloader = DataLoader(dataset, shuffle=False, batch_size=1)
for batch in eval_dataloader:
    loss = model(**batch).loss
