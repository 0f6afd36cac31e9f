"""Read a question (English or Chinese) into an `Intent`: protocol, configuration, volume, code.

Plain pattern matching over the text; names are resolved with the tools' own resolvers so the engine
and the tools agree on what a GPU or model is (`model_names.py`, `gpu_names.py`). Nothing here invents a
number: every value is either read from the question or left empty for the planner to default (and say so).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from ecocompute.offline import extract as ex
from ecocompute.offline import gpu_names, model_names, places
from ecocompute.offline import lexicon as lx
from ecocompute.offline.extract import dedupe
from ecocompute.offline.numbers import normalise
from ecocompute.offline.request import RequestFields, fill, fill_kind
from ecocompute.protocols import ProtocolName as Protocol

FENCE = re.compile(r"```[ \t]*([\w+.-]*)[^\n]*\n(.*?)```", re.DOTALL)
ATTACHED = re.compile(r"Attached file:?\s*`?([^`\n]+?)`?\s*\n", re.IGNORECASE)


class Intent(RequestFields):
    """The typed request of one question; empty fields are unknown (the planner states its defaults)."""

    protocol: Protocol | None = None
    language: Literal["en", "zh"] = "en"
    models: list[str] = Field(default_factory=list)
    params_b: float | None = None
    gpus: list[str] = Field(default_factory=list)
    unknown_gpus: list[str] = Field(default_factory=list)
    num_gpus: int | None = None
    precisions: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    batch_size: int | None = None
    batch_sizes: list[int] = Field(default_factory=list)
    batch_range: bool = False
    lookup: bool = False
    unknown_precisions: list[str] = Field(default_factory=list)
    unmeasured_settings: list[str] = Field(default_factory=list)
    claimed_j_per_request: list[float] = Field(default_factory=list)
    engine: str | None = None
    unmeasured_engine: str | None = None
    deadline_ms: float | None = None
    latency_metric: Literal["median", "p99"] | None = None
    requests_per_month: float | None = None
    requests_per_day: float | None = None
    tokens_per_request: float | None = None
    region: str | None = None
    grid_basis: Literal["codecarbon", "ecologits"] | None = None
    usd_per_kwh: float | None = None
    use_case: Literal["interactive", "api", "batch"] | None = None
    code: str | None = None
    code_name: str | None = None
    symptoms: list[str] = Field(default_factory=list)
    observed_power_w: float | None = None
    observed_tokens_per_s: float | None = None

    @property
    def precision(self) -> str | None:
        """The first precision named, if any."""
        return self.precisions[0] if self.precisions else None

    @property
    def model(self) -> str | None:
        """The first model named, if any."""
        return self.models[0] if self.models else None

    @property
    def gpu(self) -> str | None:
        """The first GPU named, if any."""
        return self.gpus[0] if self.gpus else None


def parse(text: str) -> Intent:
    """The intent of one question."""
    code, code_name = _code(text)
    prose = normalise(FENCE.sub(" ", text) if code else text)
    flags, flag_precisions = ex.flags(text)
    intent = Intent(
        language="zh" if re.search(r"[\u4e00-\u9fff]", prose) else "en",
        models=model_names.models(prose), params_b=model_names.bare_size(prose), gpus=gpu_names.gpus(prose), unknown_gpus=gpu_names.unknown_gpus(prose),
        num_gpus=gpu_names.gpu_count(prose), precisions=dedupe(flag_precisions + ex.precision_words(prose)), flags=flags,
        batch_size=ex.batch(prose), engine=ex.engine(prose), unmeasured_engine=ex.unmeasured_engine(prose),
        deadline_ms=ex.deadline(prose), latency_metric=ex.metric(prose), tokens_per_request=ex.tokens(prose),
        region=ex.region(prose), grid_basis=places.grid_basis(prose), usd_per_kwh=ex.price(prose), use_case=ex.use_case(prose), code=code, code_name=code_name,
        symptoms=ex.symptoms(prose), observed_power_w=ex.first_float(lx.OBSERVED_POWER, prose),
        observed_tokens_per_s=ex.first_float(lx.OBSERVED_SPEED, prose), batch_sizes=ex.batches(prose),
        batch_range=bool(lx.BATCH_RANGE.search(prose)), lookup=bool(lx.LOOKUP.search(prose)),
        unknown_precisions=ex.unknown_precisions(prose), unmeasured_settings=ex.unmeasured(prose),
        claimed_j_per_request=[float(x) for x in lx.ENERGY_CLAIM.findall(prose)],
    )
    fill(intent, prose)
    intent.unknown_models = model_names.unknown_models(prose, intent.models)
    if intent.engine is None and re.search(r"max_num_seqs", prose):
        intent.engine = "vllm"
    fill_kind(intent, prose)
    intent.protocol = _protocol(prose, intent)
    if intent.protocol in ("ESTIMATE", "OPTIMIZE", "DIAGNOSE"):
        _focus_on_question(prose, intent)
    return intent


def _focus_on_question(prose: str, intent: Intent) -> None:
    """In "We run X on A. What would it cost on B with vLLM?", the asked sentence's GPU, engine and batch win."""
    sentences = [t for t in re.split(r"(?<=[.!?。！？])\s+", prose.strip()) if t]
    asked = [t for t in sentences if t.rstrip().endswith(("?", "？"))]
    if len(sentences) < 2 or not asked:
        return
    focus = asked[-1]
    gpus = gpu_names.gpus(focus)
    if gpus:
        intent.gpus = gpus + [g for g in intent.gpus if g not in gpus]
    engine, batch = ex.engine(focus), ex.batch(focus)
    if engine or re.search(r"max_num_seqs", focus):
        intent.engine = engine or "vllm"
    if batch is not None:
        intent.batch_size = batch


def merge(previous: Intent, current: Intent) -> Intent:
    """A follow-up ("and on the A800?") keeps what it does not restate from the earlier question."""
    update = {}
    for name, value in current:
        empty = value is None or value == [] or (name == "language")
        if not empty:
            update[name] = value
    merged = previous.model_copy(update=update)
    merged.language = current.language
    if current.protocol or current.kind:  # the follow-up says what it asks: its own kind and asked unit
        merged.kind, merged.asked = current.kind, current.asked
    if current.gpus and not current.num_gpus:
        merged.num_gpus = None
    if current.code is None:
        merged.code, merged.code_name = None, None
        if merged.protocol == "AUDIT" and current.protocol is None:
            merged.protocol = "OPTIMIZE"
    return merged


def is_follow_up(text: str, intent: Intent) -> bool:
    """Short questions that name little and no protocol lean on the conversation."""
    short = len(text.strip()) <= 80
    names_nothing = not intent.models and not intent.gpus and intent.params_b is None
    return bool(lx.FOLLOW_UP.search(text)) or (intent.code is None and ((short and not intent.models) or names_nothing))


def _code(text: str) -> tuple[str | None, str | None]:
    blocks = [(lang, body) for lang, body in FENCE.findall(text) if body.strip()]
    named = ATTACHED.search(text)
    if blocks:
        return "\n".join(body for _, body in blocks).strip("\n") + "\n", named.group(1).strip() if named else None
    lines = text.splitlines()
    if len(lines) >= 3 and re.search(r"^\s*(import |from \w+ import |\w+\s*=\s*\w+\.from_pretrained\()", text, re.MULTILINE):
        start = next(i for i, line in enumerate(lines) if re.match(r"\s*(import |from |\w+\s*=)", line))
        return "\n".join(lines[start:]) + "\n", None
    return None, None


def _protocol(text: str, intent: Intent) -> Protocol | None:
    """Score each protocol's cue words; structure (code, volume, two GPUs) weighs in."""
    scores = {name: sum(len(re.findall(p, text, re.IGNORECASE)) for p in pats) for name, pats in lx.PROTOCOL_CUES.items()}
    if intent.code:
        scores["AUDIT"] += 3
    if intent.requests_per_month or intent.requests_per_day:
        scores["ESTIMATE"] += 2
    if len(intent.gpus) > 1 or len(intent.precisions) > 1:
        scores["COMPARE"] += 1
    if intent.symptoms:
        scores["DIAGNOSE"] += 1 + (1 if intent.flags or intent.precisions else 0)
    if intent.deadline_ms is not None:
        scores["OPTIMIZE"] += 1
    if intent.observed_power_w is not None or intent.observed_tokens_per_s is not None:
        scores["DIAGNOSE"] += 2
    best = max(scores.values())
    if best == 0:
        return None
    return next(name for name in lx.PROTOCOL_PRIORITY if scores[name] == best)
