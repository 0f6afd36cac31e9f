"""`recommend_config` on a serving engine (vLLM): candidate rows -> deadline -> one choice per sweep -> ranking -> reasons."""

from __future__ import annotations

from ecocompute.tools.common import known, pct_change
from ecocompute.tools.dataset import Measurement
from ecocompute.tools.engines import Engine
from ecocompute.tools.errors import not_measured
from ecocompute.tools.query import Query, primary_rows
from ecocompute.tools.recommend_result import Candidate, Figure, Reason, RecommendResult, UseCase
from ecocompute.tools.serving import LatencyMetric, ServingChoice, choose, faster_option, latency, within_deadline

MAX_CANDIDATES = 5
# Interactive serving without a stated deadline: p99 inter-token latency <= 100 ms (about 10 tokens/s per user,
# faster than reading speed). A policy default, stated in the answer; not a measurement.
DEFAULT_DEADLINE_MS: dict[str, float] = {"interactive": 100.0}
SweepKey = tuple[str, int, str]  # experiment, GPU count, precision: one max_num_seqs sweep


def serving(q: Query, eng: Engine, size: float | None, use_case: UseCase, deadline: float | None, metric: LatencyMetric,
            num_gpus: int | None, prefer_experiment: str | None = None) -> RecommendResult:
    """The lowest-energy serving setting that meets the latency deadline, over the newest engine version's sweeps."""
    rows = _candidate_rows(q, eng, num_gpus)
    deadline, metric, assumed = _deadline(use_case, deadline, metric)
    sweeps = _newest_sweeps(rows)
    choices = [choose(sweep, deadline, metric) for sweep in sweeps.values()]
    choice = _rank(choices, prefer_experiment)
    sweep = sweeps[(choice.experiment, choice.num_gpus, choice.precision)]
    met = choice.chosen is not None and choice.meets_deadline
    reasons = [r for r in (assumed, *_choice_reasons(choice, sweep, eng), _others(choice, choices, eng)) if r is not None]
    return RecommendResult(gpu=known(q.gpu), model=q.model, params_b=size, use_case=use_case, engine=eng.key,
                           precision=choice.precision, batch_size=choice.chosen.batch_size if choice.chosen and met else None,
                           basis="measured" if met else "unavailable", reasons=reasons, rule_checks=[],
                           row_ids=sorted(m.row_id for m in sweep), expected=choice.chosen, serving=choice,
                           candidates=_candidates(choices)[:MAX_CANDIDATES], warnings=_warnings(sweep))


def _candidate_rows(q: Query, eng: Engine, num_gpus: int | None) -> list[Measurement]:
    """The model's serving rows on this GPU (at `num_gpus` when given); none is a clear error naming what is measured."""
    every = primary_rows(q)
    rows = [m for m in every if num_gpus is None or m.num_gpus == num_gpus]
    if rows and q.model is not None:
        return rows
    counts = sorted({m.num_gpus for m in every})
    name = q.model_given or q.model
    if num_gpus and counts:
        raise not_measured(f"No {eng.key} serving rows for {name} on {q.gpu} with {num_gpus} GPUs (measured GPU counts: {counts}).",
                           "num_gpus", num_gpus, counts)
    raise not_measured(f"No {eng.key} serving rows for {name} on {q.gpu}.", "model", name, [])


def _deadline(use_case: UseCase, deadline: float | None, metric: LatencyMetric) -> tuple[float | None, LatencyMetric, Reason | None]:
    """The latency constraint: the one given, else the use case's default (a stated policy, said as a reason), else none."""
    default = DEFAULT_DEADLINE_MS.get(use_case)
    if deadline is not None or default is None:
        return deadline, metric, None
    return default, "p99", Reason(kind="assumed_deadline",
                                  text=(f"No latency deadline given: for {use_case} use a p99 inter-token latency of at most "
                                        f"{default:g} ms is assumed (a stated default, about 10 tokens/s per user); give "
                                        "itl_deadline_ms to change it."))


def _newest_sweeps(rows: list[Measurement]) -> dict[SweepKey, list[Measurement]]:
    """The max_num_seqs sweeps measured on the newest engine version (older stacks use more energy per token)."""
    newest = max(_version(m) for m in rows)
    sweeps: dict[SweepKey, list[Measurement]] = {}
    for m in rows:
        if _version(m) == newest:
            sweeps.setdefault((m.experiment, m.num_gpus, m.precision), []).append(m)
    return sweeps


def _version(m: Measurement) -> tuple[int, ...]:
    return tuple(int(x) for x in (m.engine_version or "0").split("."))


def _rank(choices: list[ServingChoice], prefer_experiment: str | None) -> ServingChoice:
    """Settings that meet the deadline first, then lowest energy; `prefer_experiment`'s when one of them meets it."""
    preferred = [c for c in choices if c.experiment == prefer_experiment and c.meets_deadline]
    return min(preferred or choices, key=lambda c: (not c.meets_deadline, _energy(c)))


def _energy(c: ServingChoice) -> float:
    return (c.chosen.energy_j_per_1k_tok or float("inf")) if c.chosen else float("inf")


def _ms(value: float | None) -> str:
    return "not recorded" if value is None else f"{value:g} ms"


def _choice_reasons(choice: ServingChoice, sweep: list[Measurement], eng: Engine) -> list[Reason | None]:
    """Why this setting (or why none meets the deadline), what a tighter deadline costs, and its measured latency."""
    chosen = next((m for m in sweep if choice.chosen and m.row_id == choice.chosen.row_id), None)
    if chosen is None or not choice.meets_deadline:
        return [_unmet(choice, chosen)]
    metric = choice.latency_metric
    why = Reason(kind="deadline_choice", text=choice.explanation, row_ids=[chosen.row_id, *(r.row_id for r in chosen.runs)],
                 figures=_rerun_figures(chosen))
    latencies = [Figure(what=f"{which} inter-token latency", value=value, unit="ms", basis="measured")
                 for which, value in (("median", chosen.median_itl_ms), ("p99", chosen.p99_itl_ms)) if value is not None]
    measured = Reason(kind="latency", row_ids=[chosen.row_id], figures=latencies,
                      text=(f"Latency at {eng.batch_word} {chosen.batch_size}: median ITL {_ms(chosen.median_itl_ms)}, "
                            f"p99 ITL {_ms(chosen.p99_itl_ms)} ({chosen.row_id})."))
    return [why, _tighter(choice, chosen, within_deadline(sweep, choice.deadline_ms, metric)), measured]


def _rerun_figures(m: Measurement) -> list[Figure]:
    """A mean over reruns: each run's energy per token and the spread between them (as its repeat warning states)."""
    runs = [Figure(what=f"energy per 1k tokens, run {r.row_id}", value=r.energy_j_per_1k_tok, unit="J/1k tok", basis="measured")
            for r in m.runs if r.energy_j_per_1k_tok is not None]
    spread = m.spread_pct
    return runs + ([Figure(what="spread between runs", value=spread, unit="%", basis="derived")] if spread is not None else [])


def _unmet(choice: ServingChoice, quickest: Measurement | None) -> Reason:
    """No setting meets the deadline: the lowest measured latency (or that the sweep records none)."""
    if quickest is None:
        return Reason(kind="deadline_choice", text=choice.explanation)
    value = latency(quickest, choice.latency_metric)
    return Reason(kind="deadline_choice", text=choice.explanation, row_ids=[quickest.row_id],
                  figures=[Figure(what=f"lowest measured {choice.latency_metric} inter-token latency", value=known(value),
                                  unit="ms", basis="measured")])


def _tighter(choice: ServingChoice, best: Measurement, ok: list[Measurement]) -> Reason | None:
    """What the next faster setting costs in energy per token, when a faster one meets the deadline."""
    nxt = faster_option(ok, best, choice.latency_metric)
    if nxt is None or choice.tighter_deadline is None:
        return None
    metric = choice.latency_metric
    return Reason(kind="tighter_deadline", text=choice.tighter_deadline, row_ids=[nxt.row_id, best.row_id], figures=[
        Figure(what=f"{metric} inter-token latency of the chosen setting", value=known(latency(best, metric)), unit="ms", basis="measured"),
        Figure(what=f"{metric} inter-token latency of the faster setting", value=known(latency(nxt, metric)), unit="ms", basis="measured"),
        Figure(what="energy per token of the faster setting vs the chosen one", unit="%", basis="derived",
               value=pct_change(known(nxt.energy_j_per_1k_tok), known(best.energy_j_per_1k_tok)))])


def _others(choice: ServingChoice, choices: list[ServingChoice], eng: Engine) -> Reason | None:
    """The other measured set-ups of the same engine version, each at its own best setting (or none meeting the deadline)."""
    others = [c for c in choices if c is not choice]
    if not others:
        return None
    met = [c.chosen for c in others if c.chosen and c.meets_deadline]
    parts = [f"{c.num_gpus} GPU(s) {c.precision}" + (f" ({c.parallel})" if c.parallel else "") + ": "
             + (f"{eng.batch_word} {c.chosen.batch_size} ({c.chosen.row_id}, {c.chosen.energy_j_per_1k_tok:g} J/1k)"
                if c.chosen and c.meets_deadline else "no setting meets the deadline") for c in others]
    return Reason(kind="other_setups", text=f"Other measured set-ups (same {eng.key} version): {'; '.join(parts)}.",
                  row_ids=[r.row_id for r in met],
                  figures=[Figure(what=f"energy per 1k tokens, {r.row_id}", value=known(r.energy_j_per_1k_tok), unit="J/1k tok",
                                  basis="measured") for r in met])


def _candidates(choices: list[ServingChoice]) -> list[Candidate]:
    """Every sweep's setting that meets the deadline, lowest energy first."""
    return [Candidate(precision=c.precision, batch_size=c.chosen.batch_size, basis="measured", experiment=c.experiment,
                      energy_j_per_1k_tok=c.chosen.energy_j_per_1k_tok, row_ids=[c.chosen.row_id],
                      note=f"{c.num_gpus} GPU(s); median ITL {_ms(c.chosen.median_itl_ms)}, p99 ITL {_ms(c.chosen.p99_itl_ms)}")
            for c in sorted(choices, key=_energy) if c.chosen and c.meets_deadline]


def _warnings(sweep: list[Measurement]) -> list[str]:
    old = sweep[0].engine_version and sweep[0].engine_version.startswith("0.5")
    return ["Serving rows are saturated steady state: lower bounds for a lightly loaded service."] + (
        [f"Only the older vLLM {sweep[0].engine_version} stack (ML.ENERGY v2) measured this; newer stacks use less energy per token."]
        if old else [])

