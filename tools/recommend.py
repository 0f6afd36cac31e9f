"""`recommend_config`: precision and batch size, the original skill's rules tested against the data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from ecocompute.tools import evidence
from ecocompute.tools.common import INT8_PURE_CAVEAT, Basis, comparable, known, pct_change, row_order, view
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.engines import EAGER, default_engine
from ecocompute.tools.engines import engine as engine_entry
from ecocompute.tools.errors import conflicting, missing
from ecocompute.tools.names import BYTES_PER_PARAM
from ecocompute.tools.query import Query, primary_rows, resolve
from ecocompute.tools.recommend_result import Candidate, Figure, Reason, RecommendResult, RuleCheck, UseCase
from ecocompute.tools.recommend_serving import MAX_CANDIDATES, serving
from ecocompute.tools.serving import LatencyMetric, moe_note, moe_row

BATCH_FOR_USE = {"interactive": 1, "api": 8, "batch": 64}  # the usual batch per use case (an extrapolation target)
MAX_BATCH_FOR_USE: dict[str, int | None] = {"interactive": 1, "api": 8, "batch": None}  # measured rows must stay within
VRAM_HEADROOM = 0.8  # weights may take at most this share of VRAM (KV cache and activations need the rest)


@dataclass(frozen=True)
class _Plan:
    """What one path decided before the rule check: the configuration, its rows, reasons and candidates."""

    precision: str | None
    batch_size: int | None
    basis: Basis
    row_ids: list[str]
    reasons: list[Reason]
    candidates: list[Candidate]
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
    num_gpus = _gpu_count(q, gpu, num_gpus)
    eng = engine_entry(q.engine or _default_engine(q))
    q = q.model_copy(update={"num_gpus": None, "engine": eng.key})
    size = params_b or q.model_params_b
    if eng.serving:
        result = serving(q, eng, size, use_case, itl_deadline_ms, latency_metric, num_gpus, prefer_experiment)
    elif itl_deadline_ms is not None:
        raise conflicting("itl_deadline_ms applies to vLLM serving rows; transformers rows record no inter-token latency.",
                          "itl_deadline_ms", "engine")
    else:
        result = _transformers(q, size, use_case, vram_gb or load().gpus[known(q.gpu)].vram_gb, prefer_experiment)
    return _with_moe(result, q.model)


def _gpu_count(q: Query, gpu: str, num_gpus: int | None) -> int | None:
    """The GPU count asked for: written with the GPU ("2xB200") or as num_gpus; the two must agree."""
    if q.num_gpus is not None and num_gpus is not None and q.num_gpus != num_gpus:
        raise conflicting(f"{gpu!r} names {q.num_gpus} GPUs but num_gpus is {num_gpus}.", "gpu", "num_gpus")
    return num_gpus or q.num_gpus


def _with_moe(result: RecommendResult, model: str | None) -> RecommendResult:
    row = moe_row(model)
    if row is None:
        return result
    reason = Reason(kind="mixture_of_experts", text=moe_note(row))
    return result.model_copy(update={"activated_params_b": row.activated_params_b, "reasons": [*result.reasons, reason]})


def _default_engine(q: Query) -> str:
    return default_engine({m.engine for m in load().primary() if m.gpu == q.gpu})


def _rule(size: float | None, vram: float | None) -> tuple[str, str | None]:
    """The original skill's precision rule for this size and VRAM, and the precision it says (None: no rule applies)."""
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
    """Candidate rows -> constraints and ranking (`measured_candidates`) -> the measured pick, else the size class's
    precision -> the original skill's rule checked against it -> reasons and warnings."""
    rule_text, rule_prec = _rule(size, vram)
    rows = primary_rows(q) if q.model is not None else []
    ranked = measured_candidates(rows, use_case, size, vram, prefer_experiment)
    plan = _measured(q, rows, ranked, use_case) if ranked else _by_size_class(q, size, vram, rule_prec, use_case)
    data_says = ranked[0].precision if ranked else None
    check = RuleCheck(rule=rule_text, applies=rule_prec is not None, says=rule_prec, data_says=data_says,
                      verdict=_verdict(rule_prec, data_says))
    overridden = [Reason(kind="rule_overridden", text=f"The data disagrees with the rule '{rule_text}': the data wins.")]
    return RecommendResult(gpu=known(q.gpu), model=q.model or q.model_given, params_b=size, use_case=use_case, engine=q.engine or EAGER,
                           precision=plan.precision, batch_size=plan.batch_size, basis=plan.basis if plan.precision else "unavailable",
                           reasons=plan.reasons + (overridden if check.verdict == "data overrides the rule" else []),
                           rule_checks=[check], row_ids=plan.row_ids, expected=view(ranked[0]) if ranked else None,
                           candidates=plan.candidates, warnings=plan.warnings + _precision_warnings(plan.precision))


def _measured(q: Query, rows: list[Measurement], ranked: list[Measurement], use_case: UseCase) -> _Plan:
    """The lowest-energy qualifying row, its experiment's rows at the same batch, and the ranked candidates."""
    pick = ranked[0]
    same = [m for m in rows if m.experiment == pick.experiment and m.batch_size == pick.batch_size]
    extra = _extrapolated_batch(q, pick, use_case)  # labelled, ranked after every measured candidate
    return _Plan(precision=pick.precision, batch_size=pick.batch_size, basis="measured",
                 row_ids=sorted({m.row_id for m in same} | {pick.row_id}), reasons=_measured_reasons(q, pick, same, use_case),
                 candidates=[_candidate(m) for m in ranked[:MAX_CANDIDATES]] + ([extra] if extra else []), warnings=[])


def _by_size_class(q: Query, size: float | None, vram: float | None, rule_prec: str | None, use_case: UseCase) -> _Plan:
    """No measured row qualifies: the rule's precision (else FP16) if its weights fit, else NF4, else none; batch by use case."""
    ev = evidence.nf4_small_model_penalty() if (size or 99) <= 3 else evidence.nf4_large_model_effect()
    why = Reason(kind="size_class", row_ids=ev.row_ids,
                 text=(f"{q.model_given or q.model or 'This model'} on {q.gpu}: no measured row meets the constraints; "
                       f"by size class: {ev.claim}."))
    precision, fit_warning = _fit(rule_prec or "fp16", size, vram)
    batch, batch_reason = _batch(q, use_case) if precision else (None, Reason(kind="batch_size", text="No batch size: the model does not fit."))
    row_ids = sorted(set(ev.row_ids) | set(batch_reason.row_ids))
    candidates = [Candidate(precision=precision, batch_size=batch, basis="extrapolated", experiment=None,
                            energy_j_per_1k_tok=None, row_ids=row_ids, note=batch_reason.text)] if precision else []
    return _Plan(precision=precision, batch_size=batch, basis="extrapolated", row_ids=row_ids, reasons=[why, batch_reason],
                 candidates=candidates, warnings=[fit_warning] if fit_warning else [])


def _precision_warnings(precision: str | None) -> list[str]:
    int8_pure = [f"Accuracy: {INT8_PURE_CAVEAT}."] if precision == "int8_pure" else []
    return int8_pure + ["Never use load_in_8bit=True with the default threshold: " + evidence.int8_default_penalty().claim + "."]


def _candidate(m: Measurement) -> Candidate:
    return Candidate(precision=m.precision, batch_size=m.batch_size, basis="measured", experiment=m.experiment,
                     energy_j_per_1k_tok=m.energy_j_per_1k_tok, row_ids=[m.row_id], note=f"measured row {m.row_id}")


def _measured_reasons(q: Query, pick: Measurement, same: list[Measurement], use_case: UseCase) -> list[Reason]:
    """Why this row: its energy vs the baseline precision at the same batch, within its experiment only."""
    word = engine_entry(pick.engine).batch_word
    limit = MAX_BATCH_FOR_USE[use_case]
    scope = f"{word} <= {limit}" if limit is not None else f"any measured {word}"
    out = [Reason(kind="lowest_energy", row_ids=[pick.row_id],
                  text=(f"{pick.precision} at {word} {pick.batch_size} has the lowest measured energy per token on {q.gpu} among the "
                        f"configurations that fit and suit {use_case} use ({scope}): {pick.row_id}, experiment {pick.experiment}."))]
    base = next((m for m in sorted(same, key=row_order) if m.precision == engine_entry(pick.engine).baseline_precision), None)
    if base is None:
        return out
    for m in sorted(same, key=lambda m: m.precision):
        if m is not base and m.energy_j_per_1k_tok and comparable(m, base):
            pct = pct_change(m.energy_j_per_1k_tok, known(base.energy_j_per_1k_tok))
            out.append(Reason(kind="precision_delta", row_ids=[m.row_id, base.row_id],
                              figures=[Figure(what=f"energy per token, {m.precision} vs {base.precision}", value=pct, unit="%", basis="derived")],
                              text=(f"{m.precision} uses {pct:+.1f}% energy per token vs {base.precision} at {word} {m.batch_size} "
                                    f"({m.row_id} vs {base.row_id}).")))
    return out


def _extrapolated_batch(q: Query, pick: Measurement, use_case: UseCase) -> Candidate | None:
    """The use case's usual batch when it is larger than any measured one: extrapolated, never ranked first."""
    target = BATCH_FOR_USE[use_case]
    if (pick.batch_size or 1) >= target:
        return None
    _, reason = _batch(q, use_case)
    return Candidate(precision=pick.precision, batch_size=target, basis="extrapolated", experiment=None,
                     energy_j_per_1k_tok=None, row_ids=reason.row_ids,
                     note=f"not measured for this model on {q.gpu}; {reason.text}")


def _verdict(rule: str | None, data: str | None) -> str:
    if rule is None or data is None:
        return "not testable here" if data is None else "no rule; data decides"
    return "data agrees" if rule == data else "data overrides the rule"


def _fit(precision: str, size: float | None, vram: float | None) -> tuple[str | None, str | None]:
    """`precision` if its weights fit VRAM with headroom, else NF4 if that fits (with a warning), else None (with why)."""
    if size is None or vram is None:
        return precision, None
    order = [precision] + [p for p in ("nf4",) if p != precision]
    for p in order:
        if size * BYTES_PER_PARAM[p] <= vram * VRAM_HEADROOM:
            note = None if p == precision else f"{precision} weights ({size * BYTES_PER_PARAM[precision]:g} GB) do not fit in {vram:g} GB with headroom; NF4 instead."
            return p, note
    return None, (f"Does not fit: even NF4 weights ({size * BYTES_PER_PARAM['nf4']:g} GB = {size:g}B x 0.5 bytes) exceed "
                  f"{VRAM_HEADROOM:.0%} of {vram:g} GB on one GPU; use several GPUs or a larger card.")


def _batch(q: Query, use_case: UseCase) -> tuple[int, Reason]:
    """The use case's usual batch size, and why (batching measured on this GPU, or only on others)."""
    target = BATCH_FOR_USE[use_case]
    if use_case == "interactive":
        return 1, Reason(kind="batch_size", text="Interactive use: batch 1 per user for latency; batch concurrent requests where the server can.")
    ev = evidence.batch_size_gain()
    where = "measured on this GPU" if any(c.gpu == q.gpu for c in ev.comparisons) else "measured on other GPUs only, so extrapolated here"
    return target, Reason(kind="batch_size", row_ids=ev.row_ids,
                          text=f"{use_case} use: batch {target}. Batch is the biggest lever ({where}): {ev.claim}.")
