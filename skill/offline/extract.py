"""Values read out of a question: precision flags, batch sizes, engine, latency deadline, tokens,
region, price, use case and symptoms (English and Chinese). Each returns None when absent."""

from __future__ import annotations

import re
from typing import Literal

from ecocompute.offline import lexicon as lx
from ecocompute.offline import places
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.names import precision_key

NOT_ALNUM_BEFORE = r"(?<![A-Za-z0-9_])"
NOT_ALNUM_AFTER = r"(?![A-Za-z0-9_])"


def dedupe(items: list[str]) -> list[str]:
    """`items` without repeats, in first-seen order."""
    return list(dict.fromkeys(items))


def flags(text: str) -> tuple[list[str], list[str]]:
    """The bitsandbytes flags written in the text, and the precisions they imply (INT8 default or pure, NF4)."""
    flags, precisions = [], []
    eight = re.search(r"load_in_8bit\s*[=:]\s*True", text)
    threshold = re.search(r"llm_int8_threshold\s*[=:]\s*([0-9.]+)", text)
    four = re.search(r"load_in_4bit\s*[=:]\s*True", text)
    if eight:
        flags.append("load_in_8bit=True")
    if threshold:
        flags.append(f"llm_int8_threshold={threshold.group(1)}")
    if four:
        flags.append("load_in_4bit=True")
    if eight or threshold:
        pure = threshold is not None and float(threshold.group(1).rstrip(".") or 0) == 0.0
        precisions.append("int8_pure" if pure else "int8_default")
    if four:
        precisions.append("nf4_dq" if re.search(r"bnb_4bit_use_double_quant\s*=\s*True", text) else "nf4")
    return flags, precisions


def precision_words(text: str) -> list[str]:
    """Precisions named in words, in order of mention ("pure INT8" alone drops the default INT8)."""
    found = []
    for precision, pattern in lx.PRECISION_WORDS:
        for match in pattern.finditer(text):
            found.append((match.start(), precision))
    ordered = [p for _, p in sorted(found)]
    if "int8_pure" in ordered and "int8_default" in ordered and not re.search(r"(default|默认)", text, re.IGNORECASE):
        ordered = [p for p in ordered if p != "int8_default"]
    return dedupe(ordered)


def batch(text: str) -> int | None:
    """The first batch size named (`batch 8`, `max_num_seqs=64`, `批大小 16`), or None."""
    match = lx.BATCH.search(text)
    return int(match.group(1)) if match else None


def batches(text: str) -> list[int]:
    """Every batch size named ("max_num_seqs 256 than at 8" names 256 and 8; "from batch 1 to 64" both ends)."""
    found = [(m.start(1), int(m.group(1))) for m in lx.BATCH.finditer(text)]
    for m in lx.BATCH.finditer(text):
        tail = re.match(r"\s*(?:and|or|than\s+(?:at\s+)?|vs\.?|versus|to|和|与|,)\s*(?:at\s+)?(\d{1,5})" + NOT_ALNUM_AFTER, text[m.end():], re.IGNORECASE)
        if tail:
            found.append((m.end() + tail.start(1), int(tail.group(1))))
    return dedupe([b for _, b in sorted(found)])


def unknown_precisions(text: str) -> list[str]:
    """Precision-like names (INT3, FP6) the tools do not know; passed on so the tool's error names what is covered."""
    out = []
    for match in lx.UNKNOWN_PRECISION.finditer(text):
        try:
            precision_key(match.group(0))
        except ToolInputError:
            out.append(match.group(0))
    return dedupe(out)


def unmeasured(text: str) -> list[str]:
    """Settings the question names that the data never measured (GPU power limits, clock locking)."""
    return [name for pattern, name in lx.UNMEASURED_SETTINGS if re.search(pattern, text, re.IGNORECASE)]


def engine(text: str) -> str | None:
    """`vllm` or `transformers` when the question names or implies the engine, else None."""
    if re.search(NOT_ALNUM_BEFORE + r"vllm" + NOT_ALNUM_AFTER, text, re.IGNORECASE):
        return "vllm"
    if re.search(r"transformers|hugging\s*face|\bHF\b|generate\(\)|from_pretrained|eager", text, re.IGNORECASE):
        return "transformers"
    return None


def unmeasured_engine(text: str) -> str | None:
    """An engine the data do not cover (SGLang, TGI, TensorRT-LLM, llama.cpp, Ollama), or None."""
    for pattern, name in lx.OTHER_ENGINES:
        if re.search(pattern, text, re.IGNORECASE):
            return name
    return None


def deadline(text: str) -> float | None:
    """A latency deadline in milliseconds, read only when a latency word is present."""
    if not lx.LATENCY_WORD.search(text):
        return None
    match = lx.MILLISECONDS.search(text)
    return float(match.group(1)) if match else None


def metric(text: str) -> Literal["median", "p99"] | None:
    """Which latency the deadline is about: `p99` or `median`, when the question says."""
    if re.search(r"p99|99th|99\s*分位|P99", text, re.IGNORECASE):
        return "p99"
    if re.search(r"median|p50|中位", text, re.IGNORECASE):
        return "median"
    return None


def tokens(text: str) -> float | None:
    """Tokens per request the question states (quantity words such as 1k or 千 applied), or None."""
    for pattern in lx.TOKENS_PER_REQUEST:
        match = pattern.search(text)
        if match:
            return lx.quantity(match.group(1))
    return None


def first_float(pattern: re.Pattern[str], text: str) -> float | None:
    """The first capture group of `pattern` in `text` as a number, or None."""
    match = pattern.search(text)
    return float(match.group(1)) if match else None


def region(text: str) -> str | None:
    """The location named in the question, read with the tools' location vocabulary (see places.py)."""
    return places.location(text)


def price(text: str) -> float | None:
    """The electricity price in USD per kWh the question states, or None."""
    match = lx.PRICE.search(text)
    return float(match.group(1) or match.group(2)) if match else None


def use_case(text: str) -> Literal["interactive", "api", "batch"] | None:
    """The use case the question implies: interactive chat, an API, or offline batch jobs."""
    for pattern, case in lx.USE_CASES:
        if re.search(pattern, text, re.IGNORECASE):
            return case
    return None


def symptoms(text: str) -> list[str]:
    """Symptoms the question reports: high energy, slow, low utilisation, lower power."""
    return [name for pattern, name in lx.SYMPTOMS if re.search(pattern, text, re.IGNORECASE)]
