# A TGI client against a remote server: the server batches requests from all its clients.
from text_generation import Client

client = Client("https://tgi.example.org")
for prompt in prompts:
    print(client.generate(prompt, max_new_tokens=64).generated_text)

local = Client("http://127.0.0.1:8080")
for prompt in prompts:
    print(local.generate(prompt, max_new_tokens=64).generated_text)
