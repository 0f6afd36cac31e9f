# From transformers' T5 modelling code: a sub-module's config copy, not generation.
import copy

from torch import nn


class T5Model(nn.Module):
    def __init__(self, config):
        super().__init__()
        encoder_config = copy.deepcopy(config)
        encoder_config.use_cache = False
        self.encoder = T5Stack(encoder_config)

    def generate(self, *args, **kwargs):
        return super().generate(*args, **kwargs)
