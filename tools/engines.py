"""The engines (measurement regimes) the data covers, declared once: what batch means, the baseline
precision, the energy basis, what the rows record. Code asks this table instead of comparing engine
strings."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from pydantic import BaseModel, ConfigDict


class Engine(BaseModel):
    """One engine and the regime its rows were measured in."""

    model_config = ConfigDict(frozen=True)

    key: str
    aliases: tuple[str, ...]
    regime: str  # the row's regime id
    regime_label: str  # for people
    serving: bool  # rows are a serving engine at steady state (else one eager generate() batch)
    batch_setting: str  # the setting `batch_size` holds in this engine's rows
    batch_word: str  # how an answer names it
    baseline_precision: str  # the precision other precisions are compared with
    energy_basis: str  # what an energy figure of a row covers
    per_request_energy_measured: bool  # rows hold a measured energy per request at their mean output length
    records_latency: bool  # rows hold median / p99 inter-token latency
    precision_candidates: tuple[str, ...]  # precisions a recommendation may choose among


ENGINES: tuple[Engine, ...] = (
    Engine(key="transformers", aliases=("transformers", "hf", "huggingface", "eager"), regime="transformers_eager",
           regime_label="eager transformers", serving=False, batch_setting="batch_size", batch_word="batch",
           baseline_precision="fp16",
           energy_basis="GPU energy per generated token over one generate() batch (see each row's energy_basis)",
           per_request_energy_measured=False, records_latency=False,
           precision_candidates=("fp16", "nf4", "int8_pure")),  # default INT8 is never recommended
    Engine(key="vllm", aliases=("vllm",), regime="serving_steady_state", regime_label="serving at steady state",
           serving=True, batch_setting="max_num_seqs", batch_word="max_num_seqs", baseline_precision="bf16",
           energy_basis="steady-state GPU energy per output token, prefill folded in, summed over all GPUs",
           per_request_energy_measured=True, records_latency=True, precision_candidates=("bf16", "fp8")),
)
_BY_KEY = {e.key: e for e in ENGINES}


def engine(key: str) -> Engine:
    """The table entry for a canonical engine key (serving engines not listed behave like vLLM)."""
    return _BY_KEY.get(key) or ENGINES[1].model_copy(update={"key": key, "aliases": (key,)})


@cache
def aliases() -> dict[str, str]:
    return {alias: e.key for e in ENGINES for alias in e.aliases}


def default_engine(available: Iterable[str]) -> str:
    """The engine answered when none is named: the first table entry with rows, else the first one."""
    present = set(available)
    return next((e.key for e in ENGINES if e.key in present), sorted(present)[0] if present else ENGINES[0].key)


def keys() -> list[str]:
    return [e.key for e in ENGINES]


EAGER = ENGINES[0].key  # the eager transformers regime: bitsandbytes settings and generate() batches
