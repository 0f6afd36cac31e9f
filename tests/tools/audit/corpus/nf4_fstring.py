import sys

from transformers import AutoModelForCausalLM

ORG = sys.argv[1]
model = AutoModelForCausalLM.from_pretrained(f"{ORG}/opt-1.3b", load_in_4bit=True)
