def answer_all(model, tok, rows):
    return [model.generate(**tok(row["question"], return_tensors="pt")) for row in rows]
