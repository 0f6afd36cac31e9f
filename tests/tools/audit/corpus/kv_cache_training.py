from transformers import AutoModelForCausalLM, Trainer

model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1")
model.gradient_checkpointing_enable()
model.config.use_cache = False
trainer = Trainer(model=model)
trainer.train()
