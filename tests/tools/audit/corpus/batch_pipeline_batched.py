from transformers import pipeline

pipe = pipeline("text-generation", model="mistralai/Mistral-7B-v0.1", device=0, batch_size=16)
for text in dataset["text"]:
    pipe(text)
other = pipeline("summarization")
summaries = other(list(dataset["text"]), batch_size=32)
