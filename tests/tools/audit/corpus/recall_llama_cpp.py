from llama_cpp import Llama

llm = Llama(model_path="./mistral-7b-instruct.Q4_K_M.gguf")
for prompt in prompts:
    print(llm(prompt, max_tokens=64))
    print(llm.create_completion(prompt, max_tokens=64))
