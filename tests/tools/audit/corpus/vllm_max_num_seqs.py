from vllm import LLM, SamplingParams

llm = LLM(model="mistralai/Mistral-7B-Instruct-v0.2", max_num_seqs=1)
outputs = llm.generate(prompts, SamplingParams(max_tokens=128))
