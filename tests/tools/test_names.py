import pytest

from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.names import gpu_key, model_key, params_from_name, precision_key


@pytest.mark.parametrize("text,key", [("4090", "rtx4090"), ("RTX 4090D", "rtx4090d"), ("rtx4090d", "rtx4090d"),
                                      ("GeForce RTX 4090 D", "rtx4090d"), ("NVIDIA A800-SXM4-80GB", "a800"),
                                      ("H100 80GB HBM3", "h100"), ("Tesla T4", "t4"), ("rtx 5090", "rtx5090")])
def test_gpu_names_are_forgiving(text, key):
    assert gpu_key(text) == key


@pytest.mark.parametrize("text,key", [("mistralai/Mistral-7B-Instruct-v0.2", "Mistral-7B"), ("qwen2-1.5b", "Qwen2-1.5B"),
                                      ("TinyLlama/TinyLlama-1.1B-Chat-v1.0", "TinyLlama-1.1B"),
                                      ("microsoft/Phi-3-mini-4k-instruct", "Phi-3-mini"), ("Yi-1.5-6B-Chat", "Yi-1.5-6B")])
def test_model_names_and_hf_ids(text, key):
    assert model_key(text) == key


@pytest.mark.parametrize("text,key", [("int8", "int8_default"), ("8-bit", "int8_default"), ("4bit", "nf4"),
                                      ("NF4", "nf4"), ("float16", "fp16"), ("bfloat16", "bf16")])
def test_precision_aliases(text, key):
    assert precision_key(text) == key


@pytest.mark.parametrize("text,size", [("opt-1.3b", 1.3), ("TinyLlama_1_1b", 1.1), ("facebook/opt-350m", 0.35),
                                       ("Llama-2-70B", 70.0), ("gpt2", None)])
def test_size_tokens(text, size):
    assert params_from_name(text) == size


def test_unknown_gpu_gets_did_you_mean_with_coverage():
    with pytest.raises(ToolInputError) as err:
        gpu_key("rtx 4090 ti")
    assert "Did you mean" in err.value.message and "rtx4090d" in err.value.message


def test_unknown_precision_lists_covered():
    with pytest.raises(ToolInputError, match="Covered: fp16"):
        precision_key("int7")
