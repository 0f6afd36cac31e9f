from transformers import GenerationConfig

DISABLE = False


def configure(model):
    model.config.use_cache = DISABLE
    model.generation_config = GenerationConfig(max_new_tokens=64, use_cache=False)
