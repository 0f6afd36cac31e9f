"""Energy notes.

Never write AutoModelForCausalLM.from_pretrained(name, load_in_8bit=True) or
BitsAndBytesConfig(load_in_4bit=True) on TinyLlama; avoid batch_size=1 and use_cache=False.
"""

# model = AutoModelForCausalLM.from_pretrained("TinyLlama/TinyLlama-1.1B", load_in_4bit=True)
# for p in prompts: model.generate(p)
EXAMPLE = 'AutoModelForCausalLM.from_pretrained("x", load_in_8bit=True)'
TEMPLATE = f"LLM(model='m', max_num_seqs={1}) and pipeline(batch_size=1)"
HELP = {"load_in_8bit": "see docs"}


def explain():
    """Calls like model.generate(use_cache=False) in a loop waste energy."""
    return "for x in xs: model.generate(x, use_cache=False)"
