"""`recommend_config`: precision and batch size, the original skill's rules tested against the data."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ecocompute.tools import evidence
from ecocompute.tools.common import INT8_PURE_CAVEAT, Basis, RowView, comparable, pct_change, row_order, view
from ecocompute.tools.compare import BYTES_PER_PARAM
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.errors import conflicting, missing, not_measured
from ecocompute.tools.query import Query, primary_rows, resolve
from ecocompute.tools.serving import LatencyMetric, ServingChoice, choose, moe_note

UseCase = Literal["interactive", "api", "batch"]
CANDIDATES = ("fp16", "nf4", "int8_pure")  # default INT8 is never recommended
BATCH_FOR_USE = {"interactive": 1, "api": 8, "batch": 64}
VRAM_HEADROOM = 0.8  # weights may take at most this share of VRAM (KV cache and activations need the rest)


class RuleCheck(BaseModel):
    rule: str
    applies: bool
    says: str | None
    data_says: str | None
    verdict: str


class RecommendResult(BaseModel):
    """OPTIMIZE: the recommended precision and batch size with reasons and rows."""

    gpu: str
    model: str | None
    params_b: float | None
    activated_params_b: float | None = None  # MoE: active per token (params_b, the total, decides VRAM fit)
    use_case: UseCase
    engine: str
    precision: str | None
    batch_size: int | None
    basis: Basis
    reasons: list[str]
    rule_checks: list[RuleCheck]
    row_ids: list[str]
    expected: RowView | None
    serving: ServingChoice | None = None
    warnings: list[str]


def recommend_config(
    gpu: Annotated[str, Field(description="e.g. rtx4090d, a800, h100")],
    model: Annotated[str | None, Field(description="Model or HF id; or give params_b")] = None,
    params_b: Annotated[float | None, Field(gt=0, le=10000, description="Billions of parameters")] = None,
    use_case: Annotated[UseCase, Field()] = "api",
    vram_gb: Annotated[float | None, Field(gt=0, le=10000, description="null = GPU profile")] = None,
    engine: Annotated[str | None, Field(description="transformers or vllm")] = None,
    itl_deadline_ms: Annotated[float | None, Field(gt=0, le=100000, description="vLLM: inter-token latency deadline")] = None,
    latency_metric: Annotated[LatencyMetric, Field()] = "p99",
    num_gpus: Annotated[int | None, Field(ge=1, le=64, description="vLLM: GPUs per replica; null = any measured")] = None,
) -> RecommendResult:
    """OPTIMIZE: precision and batch size (vLLM max_num_seqs, optionally under a latency deadline) for a model, GPU and use case, with reasons and rows."""
    if model is None and params_b is None:
        raise missing("Give a model or params_b.", "model", "params_b")
    q = resolve(gpu, model, None, None, engine)
    size = params_b or q.model_params_b
    eng = q.engine or _default_engine(q)
    if eng != "transformers":
        result = _serving(q, size, use_case, itl_deadline_ms, latency_metric, num_gpus)
    elif itl_deadline_ms is not None:
        raise conflicting("itl_deadline_ms applies to vLLM serving rows; transformers rows record no inter-token latency.",
                          "itl_deadline_ms", "engine")
    else:
        result = _transformers(q, size, use_case, vram_gb or load().gpus[q.gpu].vram_gb)
    return _with_moe(result, q.model)


def _with_moe(result: RecommendResult, model: str | None) -> RecommendResult:
    note = moe_note(model)
    if note is None:
        return result
    active = next(m.activated_params_b for m in load().measurements if m.model == model and m.is_moe)
    return result.model_copy(update={"activated_params_b": active, "reasons": [*result.reasons, note]})


def _default_engine(q: Query) -> str:
    engines = {m.engine for m in load().primary() if m.gpu == q.gpu}
    return "transformers" if "transformers" in engines or not engines else sorted(engines)[0]


def _rule(size: float | None, vram: float | None) -> tuple[str, str | None]:
    if size is None:
        return "no size known", None
    if size <= 3:
        return "<=3B -> FP16", "fp16"
    if vram is not None and vram >= 80:
        return ">=80 GB VRAM -> FP16", "fp16"
    if 6 <= size <= 7.5 and vram is not None and vram <= 24:
        return "6-7B on <=24 GB -> NF4", "nf4"
    return "no rule of the original skill applies", None


def _data_choice(rows: list[Measurement]) -> tuple[Measurement | None, list[Measurement]]:
    """Lowest-energy candidate within the experiment that has an FP16 baseline and most precisions."""
    best_exp: list[Measurement] = []
    for exp in {m.experiment for m in rows}:
        group = [m for m in rows if m.experiment == exp and m.precision in CANDIDATES + ("int8_default",)]
        if any(m.precision == "fp16" for m in group) and len(group) > len(best_exp):
            best_exp = group
    cands = sorted((m for m in best_exp if m.precision in CANDIDATES and m.energy_j_per_1k_tok), key=lambda m: (m.energy_j_per_1k_tok, row_order(m)))
    return (cands[0] if cands else None), best_exp


def _transformers(q: Query, size: float | None, use_case: UseCase, vram: float | None) -> RecommendResult:
    rule_text, rule_prec = _rule(size, vram)
    rows = [m for m in primary_rows(q.model_copy(update={"engine": "transformers"})) if q.model is not None]
    smallest = min((m.batch_size or 1 for m in rows), default=1)
    pick, group = _data_choice([m for m in rows if m.batch_size == smallest])
    reasons, warnings, row_ids = [], [], []
    if pick is not None:
        precision, basis = pick.precision, "measured"
        fp16 = next(m for m in group if m.precision == "fp16")
        row_ids = sorted(m.row_id for m in group)
        if pick is not fp16 and comparable(pick, fp16):
            reasons.append(f"{pick.precision} uses {pct_change(pick.energy_j_per_1k_tok, fp16.energy_j_per_1k_tok):+.1f}% energy per token vs FP16 on {q.gpu} ({pick.row_id} vs {fp16.row_id}, experiment {pick.experiment}).")
        else:
            reasons.append(f"FP16 has the lowest measured energy per token among FP16, NF4 and INT8 (threshold 0.0) on {q.gpu} ({fp16.row_id}, experiment {fp16.experiment}).")
        reasons += [f"{m.precision} uses {pct_change(m.energy_j_per_1k_tok, fp16.energy_j_per_1k_tok):+.1f}% energy per token vs FP16 "
                    f"({m.row_id} vs {fp16.row_id})." for m in sorted(group, key=lambda m: m.precision)
                    if m is not pick and m is not fp16 and m.energy_j_per_1k_tok and comparable(m, fp16)]
        data_says = precision
    else:
        precision, basis, data_says = rule_prec or "fp16", "extrapolated", None
        ev = evidence.nf4_small_model_penalty() if (size or 99) <= 3 else evidence.nf4_large_model_effect()
        row_ids = ev.row_ids
        reasons.append(f"{q.model_given or q.model or 'This model'} on {q.gpu} is not measured; by size class: {ev.claim}.")
    check = RuleCheck(rule=rule_text, applies=rule_prec is not None, says=rule_prec, data_says=data_says,
                      verdict=_verdict(rule_prec, data_says))
    if check.verdict == "data overrides the rule":
        reasons.append(f"The data disagrees with the rule '{rule_text}': the data wins.")
    precision, fit_warning = _fit(precision, size, vram)
    warnings += [w for w in [fit_warning] if w]
    if precision == "int8_pure":
        warnings.append(f"Accuracy: {INT8_PURE_CAVEAT}.")
    warnings.append("Never use load_in_8bit=True with the default threshold: " + evidence.int8_default_penalty().claim + ".")
    batch, batch_reason, batch_rows = _batch(q, use_case) if precision else (None, "No batch size: the model does not fit.", [])
    reasons.append(batch_reason)
    expected = next((view(m) for m in rows if m.precision == precision and m.batch_size == batch), None)
    return RecommendResult(gpu=q.gpu, model=q.model or q.model_given, params_b=size, use_case=use_case, engine="transformers",
                           precision=precision, batch_size=batch, basis=basis if precision else "unavailable", reasons=reasons,
                           rule_checks=[check], row_ids=sorted(set(row_ids) | set(batch_rows)), expected=expected, warnings=warnings)


def _verdict(rule: str | None, data: str | None) -> str:
    if rule is None or data is None:
        return "not testable here" if data is None else "no rule; data decides"
    return "data agrees" if rule == data else "data overrides the rule"


def _fit(precision: str, size: float | None, vram: float | None) -> tuple[str | None, str | None]:
    if size is None or vram is None:
        return precision, None
    order = [precision] + [p for p in ("nf4",) if p != precision]
    for p in order:
        if size * BYTES_PER_PARAM[p] <= vram * VRAM_HEADROOM:
            note = None if p == precision else f"{precision} weights ({size * BYTES_PER_PARAM[precision]:g} GB) do not fit in {vram:g} GB with headroom; NF4 instead."
            return p, note
    return None, (f"Does not fit: even NF4 weights ({size * BYTES_PER_PARAM['nf4']:g} GB = {size:g}B x 0.5 bytes) exceed "
                  f"{VRAM_HEADROOM:.0%} of {vram:g} GB on one GPU; use several GPUs or a larger card.")


def _batch(q: Query, use_case: UseCase) -> tuple[int, str, list[str]]:
    target = BATCH_FOR_USE[use_case]
    ev = evidence.batch_size_gain()
    if use_case == "interactive":
        return 1, "Interactive use: batch 1 per user for latency; batch concurrent requests where the server can.", []
    on_gpu = [c for c in ev.comparisons if c.gpu == q.gpu]
    where = "measured on this GPU" if on_gpu else "measured on other GPUs only, so extrapolated here"
    return target, f"{use_case} use: batch {target}. Batch is the biggest lever ({where}): {ev.claim}.", ev.row_ids


def _version(m: Measurement) -> tuple[int, ...]:
    return tuple(int(x) for x in (m.engine_version or "0").split("."))


def _serving(q: Query, size: float | None, use_case: UseCase, deadline: float | None, metric: LatencyMetric,
             num_gpus: int | None) -> RecommendResult:
    rows = [m for m in primary_rows(q.model_copy(update={"engine": "vllm"})) if num_gpus is None or m.num_gpus == num_gpus]
    if not rows or q.model is None:
        counts = sorted({m.num_gpus for m in primary_rows(q.model_copy(update={"engine": "vllm"}))})
        where = f" with {num_gpus} GPUs (measured GPU counts: {counts})" if num_gpus and counts else ""
        raise not_measured(f"No vLLM serving rows for {q.model_given or q.model} on {q.gpu}{where}.", "num_gpus" if where else "model",
                           num_gpus if where else (q.model_given or q.model), counts if where else [])
    newest = max(_version(m) for m in rows)
    sweeps: dict[tuple, list[Measurement]] = {}
    for m in rows:
        if _version(m) == newest:
            sweeps.setdefault((m.experiment, m.num_gpus, m.precision), []).append(m)
    choices = [choose(sweep, deadline, metric) for sweep in sweeps.values()]
    choice = min(choices, key=lambda c: (not c.meets_deadline, (c.chosen.energy_j_per_1k_tok or float("inf")) if c.chosen else float("inf")))
    sweep = sweeps[(choice.experiment, choice.num_gpus, choice.precision)]
    others = [f"{c.num_gpus} GPU(s) {c.precision}" + (f" ({c.parallel})" if c.parallel else "") + ": " + (f"max_num_seqs {c.chosen.batch_size} ({c.chosen.row_id}, {c.chosen.energy_j_per_1k_tok:g} J/1k)"
              if c.chosen and c.meets_deadline else "no setting meets the deadline") for c in choices if c is not choice]
    warnings = ["Serving rows are saturated steady state: lower bounds for a lightly loaded service."]
    if sweep[0].engine_version and sweep[0].engine_version.startswith("0.5"):
        warnings.append("Only the older vLLM 0.5.4 stack (ML.ENERGY v2) measured this; newer stacks use less energy per token.")
    chosen = choice.chosen
    reasons = [choice.explanation] + ([choice.tighter_deadline] if choice.tighter_deadline else [])
    reasons += [f"Other measured set-ups (same vLLM version): {'; '.join(others)}."] if others else []
    return RecommendResult(gpu=q.gpu, model=q.model, params_b=size, use_case=use_case, engine="vllm",
                           precision=choice.precision, batch_size=chosen.batch_size if chosen and choice.meets_deadline else None,
                           basis="measured" if chosen and choice.meets_deadline else "unavailable",
                           reasons=reasons, rule_checks=[], row_ids=sorted(m.row_id for m in sweep), expected=chosen,
                           serving=choice, warnings=warnings)
