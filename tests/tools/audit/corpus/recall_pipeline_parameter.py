from transformers import pipeline


def summarize_all(summarizer, documents):
    out = []
    for doc in documents:
        out.append(summarizer(doc))
    return out


summaries = summarize_all(pipeline("summarization", model="facebook/bart-large-cnn"), docs)
