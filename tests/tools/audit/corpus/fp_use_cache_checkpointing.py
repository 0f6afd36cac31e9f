# From transformers' TPU/FSDP wrapper: the cache is turned off because gradient checkpointing is on.
from transformers import GenerationConfig


def wrap_model(model, args):
    if args.grad_ckpt:
        model.config.use_cache = False
        wrapped = checkpoint_module(model)
    return wrapped


DEFAULTS = GenerationConfig(max_new_tokens=32)
