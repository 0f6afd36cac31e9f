from transformers import pipeline

pipe = pipeline("text-generation", model="mistralai/Mistral-7B-v0.1", device=0)
results = []
for text in dataset["text"]:
    results.append(pipe(text, max_new_tokens=32))
