from transformers import pipeline

BATCH = 1
pipe = pipeline("text-generation", model="mistralai/Mistral-7B-v0.1")
outputs = pipe(prompts, batch_size=BATCH)
