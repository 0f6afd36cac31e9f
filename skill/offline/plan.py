"""Turn an `Intent` into tool calls, and say which defaults were assumed.

Every default the planner fills in is passed to a tool explicitly, so the tool result echoes it and
the answer can state it as an assumption that the grounding check can trace.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ecocompute.i18n import tr
from ecocompute.offline.parse import Intent, Protocol
from ecocompute.offline.reading import Asked
from ecocompute.offline.request import VOLUME_FIELDS
from ecocompute.tools.dataset import load
from ecocompute.tools.names import model_key

DEFAULT_GPU = {"vllm": "h100", "transformers": "rtx4090d"}
DEFAULT_MODEL = "Mistral-7B"
DEFAULT_REQUESTS_PER_MONTH = 1_000_000
DEFAULT_TOKENS_PER_REQUEST = 256
CODE_NAME = "question.py"


class Call(BaseModel):
    """A planned tool call."""

    name: str
    arguments: dict[str, Any]


class Plan(BaseModel):
    """The protocol, the calls for the first round, and the assumptions to state."""

    protocol: Protocol
    calls: list[Call]
    assumptions: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    symptoms: list[str] = Field(default_factory=list)
    gpus: list[str] = Field(default_factory=list)
    num_gpus: int | None = None
    lookup: bool = False
    batch_sizes: list[int] = Field(default_factory=list)
    precisions: list[str] = Field(default_factory=list)
    claimed_j_per_request: list[float] = Field(default_factory=list)
    kind: str | None = None
    asked: Asked = Field(default_factory=Asked)
    methods: list[str] = Field(default_factory=list)
    named: list[str] = Field(default_factory=list)


def plan(intent: Intent) -> Plan:
    """The first round of tool calls for `intent` (OPTIMIZE when no protocol cue was found)."""
    lookup = (intent.lookup and intent.protocol in (None, "COMPARE", "OPTIMIZE")) or intent.kind == "LOOKUP"
    protocol: Protocol = _protocol_of(intent, lookup)
    lookup = lookup and protocol == "COMPARE"
    out = Plan(protocol=protocol, calls=[], symptoms=intent.symptoms, gpus=intent.gpus, num_gpus=intent.num_gpus,
               lookup=lookup, batch_sizes=intent.batch_sizes, precisions=intent.precisions,
               claimed_j_per_request=intent.claimed_j_per_request, kind=intent.kind, asked=intent.asked,
               methods=intent.methods, named=intent.unknown_models + [g for g in intent.gpus if g.lower() != g])
    if intent.kind in ("VERDICT", "SAVING") and not intent.requests_per_month and protocol == "COMPARE":
        out.lookup = lookup = len(intent.batch_sizes) > 1 or (bool(intent.batch_sizes) and not intent.precisions)
    if intent.protocol is None and intent.kind is None and not lookup:
        out.assumptions.append(tr("no protocol cue in the question, so it is answered as OPTIMIZE"))
    _engine_notes(intent, out)
    builder = _lookup if lookup else {"OPTIMIZE": _optimize, "DIAGNOSE": _diagnose, "COMPARE": _compare,
                                      "ESTIMATE": _estimate, "AUDIT": _audit}[protocol]
    builder(intent, out)
    if protocol != "AUDIT":
        _check_unknown_precisions(intent, out)
    return out


def _protocol_of(intent: Intent, lookup: bool) -> Protocol:
    """The output format: from the intent kind when the reader found one, else from the cue scores."""
    has_volume = any(getattr(intent, f) is not None for f in VOLUME_FIELDS.values())
    by_kind: dict[str, Protocol] = {"AUDIT": "AUDIT", "DIAGNOSE": "DIAGNOSE", "ESTIMATE": "ESTIMATE", "OPTIMIZE": "OPTIMIZE",
                                    "COMPARE": "COMPARE", "VERDICT": "COMPARE", "SAVING": "ESTIMATE" if has_volume else "COMPARE",
                                    "LOOKUP": "ESTIMATE" if intent.asked.unit == "J/request" and intent.tokens_per_request else "COMPARE"}
    if intent.kind in by_kind and not (intent.kind == "AUDIT" and not intent.code):
        return by_kind[intent.kind]
    if lookup:
        return "COMPARE"
    return intent.protocol or ("AUDIT" if intent.code else "OPTIMIZE")


def _lookup(intent: Intent, out: Plan) -> None:
    """Measured rows for what was asked: one call per asked batch size (a range or none: the whole sweep)."""
    engine = _engine(intent)
    model = intent.model
    if model is None and intent.params_b is None:
        out.assumptions.append(tr("no model named: rows for every measured model"))
    batches: list[int | None] = [None] if intent.batch_range or not intent.batch_sizes else list(intent.batch_sizes[:4])
    for gpu in (intent.gpus or [_gpu(intent, out)])[:3]:
        for batch in batches:
            out.calls.append(Call(name="lookup_measurement", arguments={
                "gpu": gpu, "model": model, "precision": intent.precision, "batch_size": batch, "engine": engine}))


def _check_unknown_precisions(intent: Intent, out: Plan) -> None:
    """A precision name the tools do not know goes to `lookup_measurement`, whose error lists what is covered."""
    gpu = intent.gpu or next((c.arguments.get("gpu") for c in out.calls if c.arguments.get("gpu")), None)
    for name in intent.unknown_precisions[:2]:
        out.calls.append(Call(name="lookup_measurement", arguments={"gpu": gpu, "model": intent.model, "precision": name}))


def _engine(intent: Intent) -> str | None:
    if intent.engine:
        return intent.engine
    if intent.unmeasured_engine or intent.deadline_ms is not None:
        return "vllm"
    return None


def _engine_notes(intent: Intent, out: Plan) -> None:
    if intent.unmeasured_engine:
        out.notes.append(tr("{engine} is not measured in the dataset; the figures below are vLLM serving measurements (the nearest "
                           "measured serving regime), not {engine} numbers", engine=intent.unmeasured_engine))
    if intent.unknown_gpus:
        out.notes.append(tr("{gpus} is not in the GPU data; see the GPUs the tools cover", gpus=", ".join(intent.unknown_gpus)))
    for method in intent.methods:
        out.notes.append(tr("{method} is not measured: no row in the dataset uses {method}, so its energy is unknown here and is not "
                           "guessed; any figures below are the nearest measured evidence (other precisions), not {method} numbers",
                           method=method))
    for setting in intent.unmeasured_settings:
        out.notes.append(tr("{setting}: not measured. No row in the dataset records a changed setting of this kind, so its effect "
                           "on energy per token is unknown here and is not guessed; the figures below are for the GPUs as measured",
                           setting=setting))


def _gpu(intent: Intent, out: Plan) -> str:
    if intent.gpu:
        return intent.gpu
    gpu = DEFAULT_GPU[_engine(intent) or "transformers"]
    if intent.unknown_gpus:
        out.assumptions.append(tr("{name} is not measured: {gpu} assumed as the nearest measured GPU", name=intent.unknown_gpus[0], gpu=gpu))
    else:
        out.assumptions.append(tr("no GPU named: {gpu} assumed", gpu=gpu))
    return gpu


def _model(intent: Intent, out: Plan, *, allow_size: bool = False) -> dict[str, Any]:
    if intent.model:
        return {"model": intent.model}
    if intent.unknown_models:  # passed as written: the tool's error names what is covered, nothing is substituted
        return {"model": intent.unknown_models[0]}
    if allow_size and intent.params_b:
        return {"model": None, "params_b": intent.params_b}
    out.assumptions.append(tr("no model named: {model} assumed", model=DEFAULT_MODEL))
    return {"model": DEFAULT_MODEL}


def _optimize(intent: Intent, out: Plan) -> None:
    engine = _engine(intent)
    gpu = _gpu(intent, out)
    model = _model(intent, out, allow_size=True)
    args: dict[str, Any] = {"gpu": gpu, **model, "engine": engine}
    if intent.params_b and model.get("model") and not intent.models:
        args["params_b"] = intent.params_b
    args["use_case"] = intent.use_case or _default_use_case(intent, out)
    if intent.deadline_ms is not None:
        args["itl_deadline_ms"] = intent.deadline_ms
        args["latency_metric"] = intent.latency_metric or "p99"
        if intent.latency_metric is None:
            out.assumptions.append(tr("the latency deadline is read as a p99 inter-token latency"))
    out.calls.append(Call(name="recommend_config", arguments=args))
    if model.get("model"):
        out.calls.append(Call(name="lookup_measurement", arguments={"gpu": gpu, "model": model["model"], "engine": engine}))


def _default_use_case(intent: Intent, out: Plan) -> str:
    out.assumptions.append(tr("use case not stated: online API serving assumed"))
    return "api"


def _diagnose(intent: Intent, out: Plan) -> None:
    gpu = _gpu(intent, out)
    model = _model(intent, out)["model"]
    precision = intent.precision
    if precision is None:
        out.assumptions.append(tr("precision not stated: FP16 assumed"))
        precision = "fp16"
    args: dict[str, Any] = {"gpu": gpu, "model": model, "precision": precision, "batch_size": intent.batch_size,
                            "load_in_8bit": "load_in_8bit=True" in intent.flags or None,
                            "load_in_4bit": "load_in_4bit=True" in intent.flags or None,
                            "llm_int8_threshold": _threshold(intent), "use_case": intent.use_case,
                            "observed_tokens_per_s": intent.observed_tokens_per_s, "observed_power_w": intent.observed_power_w}
    out.calls.append(Call(name="diagnose", arguments=args))
    out.calls.append(Call(name="compare_precisions", arguments={"gpu": gpu, "model": model, "batch_size": intent.batch_size,
                                                                "engine": _engine(intent)}))


def _threshold(intent: Intent) -> float | None:
    for flag in intent.flags:
        if flag.startswith("llm_int8_threshold="):
            return float(flag.split("=", 1)[1])
    return None


def _compare(intent: Intent, out: Plan) -> None:
    engine = _engine(intent)
    if len(intent.gpus) > 1:
        model = _model(intent, out)["model"]
        if not _shared_engine(intent.gpus, model, engine):
            for gpu in intent.gpus[:3]:
                out.calls.append(Call(name="lookup_measurement", arguments={"gpu": gpu, "model": model, "engine": engine,
                                                                            "precision": intent.precision, "batch_size": intent.batch_size}))
            return
        out.calls.append(Call(name="compare_gpus", arguments={"model": model, "gpus": intent.gpus, "engine": engine,
                                                              "batch_size": intent.batch_size, "precision": intent.precision,
                                                              "num_gpus": intent.num_gpus}))
        return
    gpu = _gpu(intent, out)
    models = intent.models or [_model(intent, out)["model"]]
    for model in models[:3]:
        out.calls.append(Call(name="compare_precisions", arguments={"gpu": gpu, "model": model, "batch_size": intent.batch_size,
                                                                    "engine": engine}))


def _shared_engine(gpus: list[str], model: str, engine: str | None) -> bool:
    """Whether the named GPUs have rows of one engine for the model (else only side-by-side rows)."""
    name = model_key(model)
    engines = [{m.engine for m in load().primary() if m.gpu == g and (name is None or m.model == name)} for g in gpus]
    common = set.intersection(*engines) if engines else set()
    return bool(common if engine is None else common & {engine})


def _estimate(intent: Intent, out: Plan) -> None:
    args: dict[str, Any] = {"gpu": _gpu(intent, out), "model": _model(intent, out)["model"], "precision": intent.precision,
                            "batch_size": intent.batch_size, "engine": _engine(intent)}
    volume = next(((f, getattr(intent, f)) for f in VOLUME_FIELDS.values() if getattr(intent, f) is not None), None)
    if volume is not None:
        args["volume_unit"], args["volume"] = volume
        if intent.period_assumed:
            out.assumptions.append(tr("no period stated for the volume: read as per month"))
    elif intent.kind == "LOOKUP":
        args["volume_unit"], args["volume"] = "requests_total", 1
        out.assumptions.append(tr("one request: the figures below are for a single request"))
    else:
        args["volume_unit"], args["volume"] = "requests_per_month", DEFAULT_REQUESTS_PER_MONTH
        out.assumptions.append(tr("no request volume stated: {n} requests per month assumed", n=DEFAULT_REQUESTS_PER_MONTH))
    args["tokens_per_request"] = intent.tokens_per_request or DEFAULT_TOKENS_PER_REQUEST
    if intent.tokens_per_request is None:
        out.assumptions.append(tr("{n} generated tokens per request assumed", n=DEFAULT_TOKENS_PER_REQUEST))
    default_region = "china" if intent.language == "zh" else "us"  # the question's language as the best hint
    args["region"] = intent.region or default_region
    if intent.region is None:
        out.assumptions.append(tr("no region stated: China grid and price assumed") if default_region == "china" else
                               tr("no region stated: US grid and price assumed"))
    if intent.grid_basis is not None:
        args["grid_basis"] = intent.grid_basis
    if intent.usd_per_kwh is not None:
        args["usd_per_kwh"] = intent.usd_per_kwh
    if intent.kind == "SAVING":  # the saving of the switch the user named, not of the recommendation
        if len(intent.batch_sizes) > 1:
            args["batch_size"], args["target_batch_size"] = intent.batch_sizes[0], intent.batch_sizes[1]
        if len(intent.precisions) > 1:
            args["precision"], args["target_precision"] = intent.precisions[0], intent.precisions[1]
    for name in ("pue", "grid_gco2_per_kwh"):
        if getattr(intent, name) is not None:
            args[name] = getattr(intent, name)
    if intent.use_case:
        args["use_case"] = intent.use_case
    out.calls.append(Call(name="estimate_cost", arguments=args))
    out.calls.append(Call(name="lookup_measurement", arguments={k: args[k] for k in ("gpu", "model", "precision", "batch_size", "engine")}))


def _audit(intent: Intent, out: Plan) -> None:
    if not intent.code:
        out.notes.append(tr("no code was found in the question (paste it in a ``` block or pass --file)"))
        return
    out.calls.append(Call(name="audit_code", arguments={"source": intent.code, "filename": intent.code_name or CODE_NAME}))
