from transformers import AutoModelForCausalLM, BitsAndBytesConfig

a = BitsAndBytesConfig(load_in_8bit=True)  # ecocompute: ignore[ECO101]
b = BitsAndBytesConfig(load_in_8bit=True)  # ecocompute: ignore[ECO303]
c = BitsAndBytesConfig(load_in_8bit=True, note="# ecocompute: ignore[ECO101]")
d = AutoModelForCausalLM.from_pretrained(
    "mistralai/Mistral-7B-v0.1",
    load_in_8bit=True,  # ecocompute: ignore[eco101, ECO501]
)
e = BitsAndBytesConfig(load_in_8bit=True)  # ecocompute: ignore
