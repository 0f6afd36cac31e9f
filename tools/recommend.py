"""`recommend_config`: precision and batch size, the original skill's rules tested against the data."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ecocompute.tools import evidence
from ecocompute.tools.common import INT8_PURE_CAVEAT, Basis, RowView, comparable, known, pct_change, row_order, view
from ecocompute.tools.compare import BYTES_PER_PARAM
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.engines import EAGER, default_engine
from ecocompute.tools.engines import engine as engine_entry
from ecocompute.tools.errors import conflicting, missing, not_measured
from ecocompute.tools.query import Query, primary_rows, resolve
from ecocompute.tools.serving import LatencyMetric, ServingChoice, choose, moe_note

UseCase = Literal["interactive", "api", "batch"]
BATCH_FOR_USE = {"interactive": 1, "api": 8, "batch": 64}  # the usual batch per use case (an extrapolation target)
MAX_BATCH_FOR_USE: dict[str, int | None] = {"interactive": 1, "api": 8, "batch": None}  # measured rows must stay within
# Interactive serving without a stated deadline: p99 inter-token latency <= 100 ms (about 10 tokens/s per user,
# faster than reading speed). A policy default, stated in the answer; not a measurement.
DEFAULT_DEADLINE_MS: dict[str, float] = {"interactive": 100.0}
MAX_CANDIDATES = 5
VRAM_HEADROOM = 0.8  # weights may take at most this share of VRAM (KV cache and activations need the rest)


class RuleCheck(BaseModel):
    rule: str
    applies: bool
    says: str | None
    data_says: str | None
    verdict: str


class Candidate(BaseModel):
    """One configuration considered: measured ones first (by energy), extrapolated ones after them."""

    precision: str
    batch_size: int | None
    basis: Basis
    experiment: str | None
    energy_j_per_1k_tok: float | None = Field(description="J per 1k generated tokens (measured rows only)")
    row_ids: list[str]
    note: str


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
    candidates: list[Candidate] = Field(default_factory=list, description="measured first by energy, then extrapolated")
    warnings: list[str]


def recommend_config(
    gpu: Annotated[str, Field(description="e.g. a800 or 2xB200")],
    model: str | None = None,
    params_b: Annotated[float | None, Field(gt=0, le=10000)] = None,
    use_case: UseCase = "api",
    vram_gb: Annotated[float | None, Field(gt=0, le=10000)] = None,
    engine: str | None = None,
    itl_deadline_ms: Annotated[float | None, Field(gt=0, le=100000)] = None,
    latency_metric: LatencyMetric = "p99",
    num_gpus: Annotated[int | None, Field(ge=1, le=64)] = None,
) -> RecommendResult:
    """Precision and batch size (vLLM: max_num_seqs, under an ITL deadline if given) for a model on a GPU."""
    return recommend(gpu, model, params_b, use_case, vram_gb, engine, itl_deadline_ms, latency_metric, num_gpus)


def recommend(gpu: str, model: str | None, params_b: float | None = None, use_case: UseCase = "api",
              vram_gb: float | None = None, engine: str | None = None, itl_deadline_ms: float | None = None,
              latency_metric: LatencyMetric = "p99", num_gpus: int | None = None,
              prefer_experiment: str | None = None) -> RecommendResult:
    """`recommend_config`, optionally preferring one experiment's rows (so a caller can compare within it)."""
    if model is None and params_b is None:
        raise missing("Give a model or params_b.", "model", "params_b")
    q = resolve(gpu, model, None, None, engine)
    if q.num_gpus is not None and num_gpus is not None and q.num_gpus != num_gpus:
        raise conflicting(f"{gpu!r} names {q.num_gpus} GPUs but num_gpus is {num_gpus}.", "gpu", "num_gpus")
    num_gpus, q = num_gpus or q.num_gpus, q.model_copy(update={"num_gpus": None})
    size = params_b or q.model_params_b
    eng = engine_entry(q.engine or _default_engine(q))
    if eng.serving:
        result = _serving(q.model_copy(update={"engine": eng.key}), size, use_case, itl_deadline_ms, latency_metric,
                          num_gpus, prefer_experiment)
    elif itl_deadline_ms is not None:
        raise conflicting("itl_deadline_ms applies to vLLM serving rows; transformers rows record no inter-token latency.",
                          "itl_deadline_ms", "engine")
    else:
        q = q.model_copy(update={"engine": eng.key})
        result = _transformers(q, size, use_case, vram_gb or load().gpus[known(q.gpu)].vram_gb, prefer_experiment)
    return _with_moe(result, q.model)


def _with_moe(result: RecommendResult, model: str | None) -> RecommendResult:
    note = moe_note(model)
    if note is None:
        return result
    active = next(m.activated_params_b for m in load().measurements if m.model == model and m.is_moe)
    return result.model_copy(update={"activated_params_b": active, "reasons": [*result.reasons, note]})


def _default_engine(q: Query) -> str:
    return default_engine({m.engine for m in load().primary() if m.gpu == q.gpu})


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


def _fits(precision: str, size: float | None, vram: float | None) -> bool:
    return size is None or vram is None or size * BYTES_PER_PARAM[precision] <= vram * VRAM_HEADROOM


def measured_candidates(rows: list[Measurement], use_case: UseCase, size: float | None, vram: float | None,
                        prefer_experiment: str | None = None) -> list[Measurement]:
    """Measured rows that meet the constraints (precision candidates, weights fit VRAM, batch within the use
    case), lowest energy per token first; only `prefer_experiment`'s rows when any of them qualifies."""
    limit = MAX_BATCH_FOR_USE[use_case]
    ok = [m for m in rows if m.energy_j_per_1k_tok and m.precision in engine_entry(m.engine).precision_candidates
          and _fits(m.precision, size, vram) and (limit is None or (m.batch_size or 1) <= limit)]
    preferred = [m for m in ok if m.experiment == prefer_experiment]
    return sorted(preferred or ok, key=lambda m: (m.energy_j_per_1k_tok, row_order(m)))


def _transformers(q: Query, size: float | None, use_case: UseCase, vram: float | None,
                  prefer_experiment: str | None) -> RecommendResult:
    rule_text, rule_prec = _rule(size, vram)
    rows = primary_rows(q) if q.model is not None else []
    ranked = measured_candidates(rows, use_case, size, vram, prefer_experiment)
    reasons: list[str] = []
    warnings: list[str] = []
    precision: str | None
    basis: Basis
    if ranked:
        pick = ranked[0]
        precision, batch, basis, data_says = pick.precision, pick.batch_size, "measured", pick.precision
        same = [m for m in rows if m.experiment == pick.experiment and m.batch_size == pick.batch_size]
        row_ids = sorted({m.row_id for m in same} | {pick.row_id})
        reasons += _measured_reasons(q, pick, same, use_case)
        candidates = [_candidate(m) for m in ranked[:MAX_CANDIDATES]]
        extra = _extrapolated_batch(q, pick, use_case)
        if extra is not None:
            candidates.append(extra)  # labelled, ranked after every measured candidate
    else:
        precision, basis, data_says = rule_prec or "fp16", "extrapolated", None
        ev = evidence.nf4_small_model_penalty() if (size or 99) <= 3 else evidence.nf4_large_model_effect()
        reasons.append(f"{q.model_given or q.model or 'This model'} on {q.gpu}: no measured row meets the constraints; "
                       f"by size class: {ev.claim}.")
        fitted, fit_warning = _fit(precision, size, vram)
        warnings += [w for w in [fit_warning] if w]
        precision = fitted
        batch, batch_reason, batch_rows = _batch(q, use_case) if precision else (None, "No batch size: the model does not fit.", [])
        reasons.append(batch_reason)
        row_ids = sorted(set(ev.row_ids) | set(batch_rows))
        candidates = [Candidate(precision=precision, batch_size=batch, basis="extrapolated", experiment=None,
                                energy_j_per_1k_tok=None, row_ids=row_ids, note=batch_reason)] if precision else []
    check = RuleCheck(rule=rule_text, applies=rule_prec is not None, says=rule_prec, data_says=data_says,
                      verdict=_verdict(rule_prec, data_says))
    if check.verdict == "data overrides the rule":
        reasons.append(f"The data disagrees with the rule '{rule_text}': the data wins.")
    if precision == "int8_pure":
        warnings.append(f"Accuracy: {INT8_PURE_CAVEAT}.")
    warnings.append("Never use load_in_8bit=True with the default threshold: " + evidence.int8_default_penalty().claim + ".")
    expected = view(ranked[0]) if ranked else None
    return RecommendResult(gpu=known(q.gpu), model=q.model or q.model_given, params_b=size, use_case=use_case, engine=q.engine or EAGER,
                           precision=precision, batch_size=batch, basis=basis if precision else "unavailable", reasons=reasons,
                           rule_checks=[check], row_ids=row_ids, expected=expected, candidates=candidates, warnings=warnings)


def _candidate(m: Measurement) -> Candidate:
    return Candidate(precision=m.precision, batch_size=m.batch_size, basis="measured", experiment=m.experiment,
                     energy_j_per_1k_tok=m.energy_j_per_1k_tok, row_ids=[m.row_id], note=f"measured row {m.row_id}")


def _measured_reasons(q: Query, pick: Measurement, same: list[Measurement], use_case: UseCase) -> list[str]:
    """Why this row: its energy vs the baseline precision at the same batch, within its experiment only."""
    word = engine_entry(pick.engine).batch_word
    limit = MAX_BATCH_FOR_USE[use_case]
    scope = f"{word} <= {limit}" if limit is not None else f"any measured {word}"
    out = [f"{pick.precision} at {word} {pick.batch_size} has the lowest measured energy per token on {q.gpu} among the "
           f"configurations that fit and suit {use_case} use ({scope}): {pick.row_id}, experiment {pick.experiment}."]
    base = next((m for m in sorted(same, key=row_order) if m.precision == engine_entry(pick.engine).baseline_precision), None)
    for m in sorted(same, key=lambda m: m.precision):
        if base is not None and m is not base and m.energy_j_per_1k_tok and comparable(m, base):
            out.append(f"{m.precision} uses {pct_change(m.energy_j_per_1k_tok, known(base.energy_j_per_1k_tok)):+.1f}% energy per "
                       f"token vs {base.precision} at {word} {m.batch_size} ({m.row_id} vs {base.row_id}).")
    return out


def _extrapolated_batch(q: Query, pick: Measurement, use_case: UseCase) -> Candidate | None:
    """The use case's usual batch when it is larger than any measured one: extrapolated, never ranked first."""
    target = BATCH_FOR_USE[use_case]
    if (pick.batch_size or 1) >= target:
        return None
    _, reason, rows = _batch(q, use_case)
    return Candidate(precision=pick.precision, batch_size=target, basis="extrapolated", experiment=None,
                     energy_j_per_1k_tok=None, row_ids=rows,
                     note=f"not measured for this model on {q.gpu}; {reason}")


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
             num_gpus: int | None, prefer_experiment: str | None = None) -> RecommendResult:
    eng = engine_entry(q.engine or "")
    every = primary_rows(q)
    rows = [m for m in every if num_gpus is None or m.num_gpus == num_gpus]
    if not rows or q.model is None:
        counts = sorted({m.num_gpus for m in every})
        where = f" with {num_gpus} GPUs (measured GPU counts: {counts})" if num_gpus and counts else ""
        raise not_measured(f"No {eng.key} serving rows for {q.model_given or q.model} on {q.gpu}{where}.",
                           "num_gpus" if where else "model", num_gpus if where else (q.model_given or q.model),
                           counts if where else [])
    reasons: list[str] = []
    if deadline is None and use_case in DEFAULT_DEADLINE_MS:
        deadline, metric = DEFAULT_DEADLINE_MS[use_case], "p99"
        reasons.append(f"No latency deadline given: for {use_case} use a p99 inter-token latency of at most {deadline:g} ms "
                       "is assumed (a stated default, about 10 tokens/s per user); give itl_deadline_ms to change it.")
    newest = max(_version(m) for m in rows)
    sweeps: dict[tuple[str, int, str], list[Measurement]] = {}
    for m in rows:
        if _version(m) == newest:
            sweeps.setdefault((m.experiment, m.num_gpus, m.precision), []).append(m)
    choices = [choose(sweep, deadline, metric) for sweep in sweeps.values()]
    preferred = [c for c in choices if c.experiment == prefer_experiment and c.meets_deadline]
    choice = min(preferred or choices, key=lambda c: (not c.meets_deadline, _energy(c)))
    sweep = sweeps[(choice.experiment, choice.num_gpus, choice.precision)]
    others = [f"{c.num_gpus} GPU(s) {c.precision}" + (f" ({c.parallel})" if c.parallel else "") + ": " + (f"{eng.batch_word} {c.chosen.batch_size} ({c.chosen.row_id}, {c.chosen.energy_j_per_1k_tok:g} J/1k)"
              if c.chosen and c.meets_deadline else "no setting meets the deadline") for c in choices if c is not choice]
    warnings = ["Serving rows are saturated steady state: lower bounds for a lightly loaded service."]
    if sweep[0].engine_version and sweep[0].engine_version.startswith("0.5"):
        warnings.append("Only the older vLLM 0.5.4 stack (ML.ENERGY v2) measured this; newer stacks use less energy per token.")
    chosen = choice.chosen
    met = chosen is not None and choice.meets_deadline
    reasons += [choice.explanation] + ([choice.tighter_deadline] if choice.tighter_deadline else [])
    if chosen is not None and met:
        reasons.append(f"Latency at {eng.batch_word} {chosen.batch_size}: median ITL {_ms(chosen.median_itl_ms)}, "
                       f"p99 ITL {_ms(chosen.p99_itl_ms)} ({chosen.row_id}).")
    reasons += [f"Other measured set-ups (same {eng.key} version): {'; '.join(others)}."] if others else []
    candidates = [Candidate(precision=c.precision, batch_size=c.chosen.batch_size, basis="measured", experiment=c.experiment,
                            energy_j_per_1k_tok=c.chosen.energy_j_per_1k_tok, row_ids=[c.chosen.row_id],
                            note=f"{c.num_gpus} GPU(s); median ITL {_ms(c.chosen.median_itl_ms)}, p99 ITL {_ms(c.chosen.p99_itl_ms)}")
                  for c in sorted(choices, key=_energy) if c.chosen and c.meets_deadline]
    return RecommendResult(gpu=known(q.gpu), model=q.model, params_b=size, use_case=use_case, engine=eng.key,
                           precision=choice.precision, batch_size=chosen.batch_size if chosen and met else None,
                           basis="measured" if met else "unavailable",
                           reasons=reasons, rule_checks=[], row_ids=sorted(m.row_id for m in sweep), expected=chosen,
                           serving=choice, candidates=candidates[:MAX_CANDIDATES], warnings=warnings)


def _energy(c: ServingChoice) -> float:
    return (c.chosen.energy_j_per_1k_tok or float("inf")) if c.chosen else float("inf")


def _ms(value: float | None) -> str:
    return "not recorded" if value is None else f"{value:g} ms"
