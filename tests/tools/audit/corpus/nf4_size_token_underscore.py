from transformers import AutoModelForCausalLM

name = "my-org/" + "tiny_llama_1_1b"
model = AutoModelForCausalLM.from_pretrained(pretrained_model_name_or_path=name, load_in_4bit=True)
