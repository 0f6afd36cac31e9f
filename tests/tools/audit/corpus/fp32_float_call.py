from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained("TinyLlama/TinyLlama-1.1B-Chat-v1.0", device_map="cuda")
model = model.float()
small = AutoModelForCausalLM.from_pretrained("EleutherAI/pythia-160m", torch_dtype="float32").cuda()
