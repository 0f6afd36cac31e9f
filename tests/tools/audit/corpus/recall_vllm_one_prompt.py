from vllm import LLM, SamplingParams

llm = LLM(model="mistralai/Mistral-7B-Instruct-v0.2")
params = SamplingParams(max_tokens=64)
answers = [llm.generate([prompt], params)[0] for prompt in prompts]
