# From transformers serve: a per-request generation config, from the body or the model's default.
import copy

from transformers import GenerationConfig


def request_config(body, model_generation_config, use_cb):
    if body.get("generation_config") is not None:
        generation_config = GenerationConfig(**body["generation_config"])
    else:
        generation_config = copy.deepcopy(model_generation_config)
    if use_cb:
        generation_config.use_cache = False  # continuous batching manages its own paged cache
    return generation_config
