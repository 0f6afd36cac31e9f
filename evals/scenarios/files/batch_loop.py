"""Summarise tickets overnight (an eval fixture: one prompt per generate call)."""

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

MODEL_ID = "mistralai/Mistral-7B-Instruct-v0.2"
tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)
model = AutoModelForCausalLM.from_pretrained(MODEL_ID, torch_dtype=torch.float16, device_map="auto")


def summarise(tickets):
    summaries = []
    for ticket in tickets:
        inputs = tokenizer(ticket, return_tensors="pt").to("cuda")
        output = model.generate(**inputs, max_new_tokens=128)
        summaries.append(tokenizer.decode(output[0], skip_special_tokens=True))
    return summaries
