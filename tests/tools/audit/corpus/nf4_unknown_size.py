import argparse

from transformers import AutoModelForCausalLM

args = argparse.ArgumentParser().parse_args()
model = AutoModelForCausalLM.from_pretrained(args.model, load_in_4bit=True)
