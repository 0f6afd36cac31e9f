# From vLLM's OpenAI server: per-request generators on an async engine, which batches continuously.
import asyncio

from vllm.v1.engine.async_llm import AsyncLLM

engine = AsyncLLM.from_engine_args(engine_args)


class Serving:
    async def create_completion(self, prompts, params):
        generators = []
        for i, prompt in enumerate(prompts):
            generators.append(self.engine_client.generate(prompt, params, request_id=str(i)))
        return generators


async def beam(prompts, params):
    tasks = [asyncio.create_task(collect(engine.generate(p, params, str(i)))) for i, p in enumerate(prompts)]
    return await asyncio.gather(*tasks)
