"""Forgiving name resolution for GPUs, models, precisions and engines, with did-you-mean errors."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
import re
from functools import cache

from ecocompute.tools.dataset import load
from ecocompute.tools.engines import aliases as engine_aliases
from ecocompute.tools.engines import keys as engine_keys
from ecocompute.tools.errors import ToolInputError, UnknownName, did_you_mean

PRECISION_ALIASES: dict[str, str] = {
    "fp16": "fp16", "float16": "fp16", "half": "fp16", "f16": "fp16", "torchfloat16": "fp16",
    "bf16": "bf16", "bfloat16": "bf16", "torchbfloat16": "bf16",
    "fp32": "fp32", "float32": "fp32", "full": "fp32",
    "fp8": "fp8", "float8": "fp8",
    "nf4": "nf4", "4bit": "nf4", "int4": "nf4", "bnb4": "nf4", "bnb4bit": "nf4", "loadin4bit": "nf4",
    "nf4dq": "nf4_dq", "nf4doublequant": "nf4_dq", "nf4doublequantization": "nf4_dq",
    "int8": "int8_default", "8bit": "int8_default", "int8default": "int8_default",
    "loadin8bit": "int8_default", "llmint8": "int8_default", "bnb8bit": "int8_default",
    "int8pure": "int8_pure", "int8threshold0": "int8_pure", "int8t0": "int8_pure",
    "llmint8threshold0": "int8_pure", "llmint8threshold00": "int8_pure", "int8unspecified": "int8_unspecified",
}
PRECISIONS = ("fp16", "bf16", "fp8", "nf4", "nf4_dq", "int8_default", "int8_pure", "int8_unspecified", "fp32")
# Bytes per weight for the weight-memory estimate (parameters x bytes; activations and KV cache excluded).
BYTES_PER_PARAM = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "int8_default": 1.0,
                   "int8_pure": 1.0, "int8_unspecified": 1.0, "nf4": 0.5, "nf4_dq": 0.5}
MAX_PARAMS_B = 100_000.0  # a size token above 100 trillion parameters is not a model size
_MODEL_SUFFIXES = re.compile(r"(instruct|chat|base|hf|it|v\d+(\.\d+)*|(?<!\d)\d+k)$")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", text.lower())


def precision_key(text: str) -> str:
    """Canonical precision id for `text` ("4bit" -> "nf4", "8-bit" -> "int8_default")."""
    key = re.sub(r"[^a-z0-9]", "", text.lower())
    if key in PRECISION_ALIASES:
        return PRECISION_ALIASES[key]
    close = difflib.get_close_matches(key, list(PRECISION_ALIASES), n=3, cutoff=0.6)
    raise did_you_mean("precision", text, list(PRECISIONS), sorted({PRECISION_ALIASES[c] for c in close}))


def engine_key(text: str) -> str:
    key = re.sub(r"[^a-z0-9]", "", text.lower())
    if key in engine_aliases():
        return engine_aliases()[key]
    for name in ("sglang", "tgi", "tensorrt", "trtllm", "llamacpp", "ollama"):
        if key.startswith(name):
            raise ToolInputError(f"Engine {text!r} is not measured in the dataset. Covered: {', '.join(engine_keys())}.",
                                 code="unknown_name", details=UnknownName(kind="engine", given=text, did_you_mean=[],
                                                                          covered=engine_keys()))
    raise did_you_mean("engine", text, engine_keys(), [])


_GPU_TAIL = re.compile(r"(sxm\d*|pcie)?((?<!\d)\d+gb)?(hbm\d*e?|gddr\d*x?)?")


def _gpu_key(text: str, known: list[str]) -> str:
    key = re.sub(r"[^a-z0-9]", "", text.lower())
    for noise in ("nvidia", "geforce", "tesla"):
        key = key.replace(noise, "")
    if re.fullmatch(r"\d{4}[a-z]*", key):
        key = "rtx" + key
    for gpu in sorted(known, key=len, reverse=True):  # longest id first: rtx4090d before rtx4090
        if key.startswith(gpu) and _GPU_TAIL.fullmatch(key[len(gpu):]):
            return gpu
    return key


_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "sixteen": 16}
_N = r"(?P<n>\d{1,2}|" + "|".join(_COUNT_WORDS) + r")"
_COUNT_FIRST = re.compile(r"^\s*" + _N + r"\s*(?:[x×*]\s*|\s+)(?P<gpu>\S.*?)\s*$", re.IGNORECASE)
_COUNT_LAST = re.compile(r"^\s*(?P<gpu>\S.*?)\s*[x×*]\s*" + _N + r"\s*$", re.IGNORECASE)


def split_gpu_count(text: str) -> tuple[str, int | None]:
    """("2xB200" | "2 x B200" | "2*B200" | "2×B200" | "two B200s" | "8 H100s" | "H100 x8") -> (GPU name, count)."""
    for pattern in (_COUNT_FIRST, _COUNT_LAST):
        match = pattern.match(text)
        if match:
            n = match["n"].lower()
            count = _COUNT_WORDS[n] if n in _COUNT_WORDS else int(n)
            if count >= 1:
                return match["gpu"], count
    return text, None


def _plural(name: str, gpus: Mapping[str, object]) -> str:
    """"H100s" -> "H100" when only the singular is a GPU."""
    if name.lower().endswith("s") and _gpu_key(name, list(gpus)) not in gpus:
        return name[:-1]
    return name


def gpu_and_count(text: str) -> tuple[str, int | None]:
    """Canonical GPU id and the GPU count written with it (None when no count is written)."""
    gpus = load().gpus
    name, count = split_gpu_count(text)
    if count is not None:
        name = _plural(name, gpus)
    key = _gpu_key(name, list(gpus))
    if key in gpus:
        return key, count
    close = difflib.get_close_matches(key, list(gpus), n=3, cutoff=0.6)
    raise did_you_mean("GPU", text, sorted(gpus), close)


def gpu_key(text: str) -> str:
    """Canonical GPU id: "RTX 4090D", "4090d", "NVIDIA A800-SXM4-80GB", "2xB200" -> "rtx4090d", "a800", "b200"."""
    return gpu_and_count(text)[0]


_EXPERTS_TAIL = re.compile(r"(?:-\d+(?:\.\d+)?[bB])?-\d+E$")  # "-17B-16E": active size, experts
_PRECISION_TOKEN = re.compile(r"(?<![a-z0-9])(fp8|float8|bf16|bfloat16|fp16|float16)(?![a-z0-9])")
FLAGSHIP_MIN_B = 100  # a bare size this large names a model when exactly one measured model has it ("405B")


@cache
def model_index() -> dict[str, str]:
    """Normalised key -> dataset model name: names and Hugging Face ids, then the aliases the data lack."""
    index: dict[str, str] = {}
    for m in load().measurements:
        index.setdefault(_key(m.model), m.model)
        if m.hf_id:
            index.setdefault(_key(m.hf_id.split("/")[-1]), m.model)
    return index | {k: v for k, v in model_aliases().items() if k not in index}


@cache
def model_aliases() -> dict[str, str]:
    """Spellings beyond names and HF ids, each naming exactly one measured model: "Llama 4 Scout" (active size
    and expert count dropped), "Nemotron Nano 9B" (version after the size dropped), "405B" (a size that only
    one measured model has, at flagship scale)."""
    found: dict[str, set[str]] = {}
    for name in {m.model for m in load().measurements}:
        variants = {_EXPERTS_TAIL.sub("", name), re.sub(r"-\d+E$", "", name), re.sub(r"(\d[bB])-v\d+$", r"\1", name)}
        size = params_from_name(name)
        if size and size >= FLAGSHIP_MIN_B:
            variants.add(f"{size:g}b")
        for variant in variants - {name}:
            found.setdefault(_key(variant), set()).add(name)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def checkpoint_precision(text: str) -> str | None:
    """The precision a checkpoint name states ("Llama-3.1-405B-Instruct-FP8", "405B FP8" -> "fp8"), else None."""
    match = _PRECISION_TOKEN.search(text.lower().replace("_", "-"))
    return PRECISION_ALIASES[match.group(1)] if match else None


def _without_precision(text: str) -> str:
    return _PRECISION_TOKEN.sub("", text.lower().replace("_", "-"))


def _strip_suffixes(key: str) -> str:
    while True:
        stripped = _MODEL_SUFFIXES.sub("", key).rstrip(".")
        if stripped == key or not stripped:
            return key
        key = stripped


def model_key(text: str) -> str | None:
    """Canonical model name for `text`, or None when it is not in the data (see `params_from_name`)."""
    index = model_index()
    raw = _key(text.split("/")[-1])
    bare = _key(_without_precision(text.split("/")[-1]))
    for candidate in (raw, _strip_suffixes(raw), bare, _strip_suffixes(bare)):
        if candidate in index:
            return index[candidate]
    for key, name in index.items():  # "mistral7b" inside "mistral7binstructv0.2"
        if raw.startswith(key) and len(key) >= 6 and not raw[len(key):len(key) + 1].isdigit():
            return name
    return None


def resolve_model(text: str) -> str:
    """Model name in the data, or a did-you-mean error when the name is neither known nor sized."""
    name = model_key(text)
    if name is not None:
        return name
    models = sorted(set(model_index().values()))
    close = difflib.get_close_matches(_key(text), [_key(m) for m in models], n=3, cutoff=0.6)
    names = {_key(m): m for m in models}
    err = did_you_mean("model", text, models, [names[c] for c in close])
    raise ToolInputError(err.message.replace(f"{text!r}.", f"{text!r}: it is not measured in the data.", 1), err.choices,
                         code=err.code, details=err.details)


def params_from_name(text: str) -> float | None:
    """Parameter count in billions from a size token ("1.5B", "1_1b", "opt-1.3b", "70b")."""
    match = re.search(r"(?<![a-z0-9.])(\d{1,6}(?:[._]\d{1,4})?)\s*([bm])(?![a-z])", text.lower().replace("-", " "))
    if not match:
        return None
    value = float(match.group(1).replace("_", "."))
    size = value / 1000 if match.group(2) == "m" else value
    return size if 0 < size <= MAX_PARAMS_B else None  # "0b", "0m" and absurd sizes name no model


def model_params_b(text: str) -> float | None:
    """Size in billions: from the dataset's model list, else from a size token in the name."""
    name = model_key(text)
    if name is not None:
        sizes = [m.params_b for m in load().measurements if m.model == name and m.params_b]
        return sizes[0] if sizes else None
    return params_from_name(text)
