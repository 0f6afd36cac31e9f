# From transformers' Whisper/Bark: a model's own generate() delegating per segment to the base class.
from transformers import GenerationMixin


class Whisper(GenerationMixin):
    def generate(self, input_features, **kwargs):
        outputs = []
        for segment in input_features:
            outputs.append(super().generate(segment, **kwargs))
        return outputs
