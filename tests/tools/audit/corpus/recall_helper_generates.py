from transformers import AutoModelForCausalLM, AutoTokenizer

tok = AutoTokenizer.from_pretrained("mistralai/Mistral-7B-v0.1")
model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1", torch_dtype="auto")


def answer(prompt):
    inputs = tok(prompt, return_tensors="pt").to("cuda")
    return model.generate(**inputs, max_new_tokens=64)


results = []
for question in questions:
    results.append(answer(question))
