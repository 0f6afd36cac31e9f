# From vLLM's HF throughput benchmark: the loop builds a padded batch, then generates on it.
from transformers import AutoModelForCausalLM, AutoTokenizer

llm = AutoModelForCausalLM.from_pretrained(model_name, torch_dtype="auto")
tokenizer = AutoTokenizer.from_pretrained(model_name)
batch = []
for i in range(len(requests)):
    batch.append(requests[i])
    if len(batch) < max_batch_size:
        continue
    input_ids = tokenizer(batch, return_tensors="pt", padding=True).input_ids
    outputs = llm.generate(input_ids=input_ids.to("cuda"), max_new_tokens=64)
    batch = []
