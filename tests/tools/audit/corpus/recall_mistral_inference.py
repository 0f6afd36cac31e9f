from mistral_inference.generate import generate
from mistral_inference.transformer import Transformer

model = Transformer.from_folder(path)
for prompt in prompts:
    tokens = tokenizer.encode_chat_completion(prompt).tokens
    out, _ = generate([tokens], model, max_tokens=64, temperature=0.0)
