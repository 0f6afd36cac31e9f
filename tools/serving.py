"""Latency-aware `max_num_seqs` choice over the vLLM serving rows (one dataset, GPU count, precision)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from ecocompute.tools.common import RowView, known, pct_change, repeat_warning, view
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.names import BYTES_PER_PARAM

LatencyMetric = Literal["median", "p99"]


class ServingChoice(BaseModel):
    """The chosen setting, its neighbours, and what a tighter deadline costs."""

    experiment: str
    engine_version: str | None
    num_gpus: int
    parallel: str | None = None  # TP/EP/DP of the sweep (part of the configuration)
    precision: str
    deadline_ms: float | None
    latency_metric: LatencyMetric
    chosen: RowView | None
    meets_deadline: bool
    neighbours: list[RowView]
    tighter_deadline: str | None
    explanation: str


def latency(m: Measurement, metric: LatencyMetric) -> float | None:
    """The row's inter-token latency by `metric` (None when not recorded)."""
    return m.p99_itl_ms if metric == "p99" else m.median_itl_ms


def choose(rows: list[Measurement], deadline: float | None, metric: LatencyMetric) -> ServingChoice:
    """Lowest energy per token whose measured latency meets the deadline (rows of one sweep)."""
    sweep = sorted(rows, key=lambda m: m.batch_size or 0)
    setup = _setup(sweep[0], deadline, metric)
    if deadline is not None and all(latency(m, metric) is None for m in sweep):
        return ServingChoice(**setup, chosen=None, meets_deadline=False, neighbours=[view(m) for m in sweep[:3]], tighter_deadline=None,
                             explanation=f"{sweep[0].experiment} records no {metric} inter-token latency, so the deadline cannot be checked.")
    ok = within_deadline(sweep, deadline, metric)
    if not ok:
        return _none_meets(sweep, setup, metric)
    best = min(ok, key=_energy)
    return ServingChoice(**setup, chosen=view(best), meets_deadline=True, neighbours=_around(sweep, best),
                         tighter_deadline=_tighter(ok, best, metric), explanation=_why_best(best, deadline, metric))


def _setup(head: Measurement, deadline: float | None, metric: LatencyMetric) -> dict[str, Any]:
    return dict(experiment=head.experiment, engine_version=head.engine_version, num_gpus=head.num_gpus,
                parallel=head.parallel, precision=head.precision, deadline_ms=deadline, latency_metric=metric)


def within_deadline(sweep: list[Measurement], deadline: float | None, metric: LatencyMetric) -> list[Measurement]:
    """The settings of a sweep whose measured latency meets the deadline (all of them without a deadline)."""
    return [m for m in sweep if deadline is None or (latency(m, metric) or float("inf")) <= deadline]


def _fastest(sweep: list[Measurement], metric: LatencyMetric) -> Measurement:
    """The setting with the lowest measured latency (the first of the sweep when none is recorded)."""
    return min(sweep, key=lambda m: latency(m, metric) or float("inf"))


def _none_meets(sweep: list[Measurement], setup: dict[str, Any], metric: LatencyMetric) -> ServingChoice:
    quick = _fastest(sweep, metric)
    return ServingChoice(**setup, chosen=view(quick), meets_deadline=False, neighbours=_around(sweep, quick), tighter_deadline=None,
                         explanation=(f"No measured max_num_seqs meets {metric} ITL <= {setup['deadline_ms']:g} ms; the lowest measured "
                                      f"is {latency(quick, metric):g} ms at max_num_seqs {quick.batch_size} ({quick.row_id})."))


def _why_best(best: Measurement, deadline: float | None, metric: LatencyMetric) -> str:
    within = f" whose {metric} ITL <= {deadline:g} ms" if deadline is not None else ""
    parallel = f", {best.parallel}" if best.parallel else ""
    reruns = " " + repeat_warning(best) if best.runs else ""
    return (f"max_num_seqs {best.batch_size} has the lowest energy per output token among settings{within} "
            f"({best.row_id}; {best.num_gpus}×{best.gpu.upper()}{parallel}).{reruns}")


def _energy(m: Measurement) -> float:
    return m.energy_j_per_1k_tok or float("inf")


def _around(sweep: list[Measurement], m: Measurement) -> list[RowView]:
    i = sweep.index(m)
    return [view(x) for x in sweep[max(0, i - 1):i + 2] if x is not m]


def faster_option(ok: list[Measurement], best: Measurement, metric: LatencyMetric) -> Measurement | None:
    """The setting a tighter deadline moves to: the lowest energy among those faster than `best`."""
    lat = latency(best, metric)
    faster = [m for m in ok if lat is not None and (latency(m, metric) or float("inf")) < lat]
    if not faster or not best.energy_j_per_1k_tok:
        return None
    return min(faster, key=_energy)


def _tighter(ok: list[Measurement], best: Measurement, metric: LatencyMetric) -> str | None:
    nxt = faster_option(ok, best, metric)
    if nxt is None:
        return None
    return (f"A deadline below {latency(best, metric):g} ms moves to max_num_seqs {nxt.batch_size} ({nxt.row_id}, {metric} ITL "
            f"{latency(nxt, metric):g} ms): {pct_change(known(nxt.energy_j_per_1k_tok), known(best.energy_j_per_1k_tok)):+.1f}% "
            f"energy per token vs {best.row_id}.")


_FRACTIONS = {0.25: "a quarter of the", 0.5: "half the", 2.0: "twice the", 4.0: "four times the"}


def gpu_count_note(rows: list[Measurement], baseline: Measurement | None) -> str | None:
    """In words, when the setups of one comparison run on different GPU counts (e.g. fp8 on 4 GPUs, bf16 on 8).

    Energy per output token counts every GPU of a run, so such rows compare per output token at one
    max_num_seqs; the GPU count is then part of the answer, said for every setup.
    """
    if len({m.num_gpus for m in rows}) < 2:
        return None
    head = rows[0]
    setups = ", ".join(f"{m.precision} on {m.num_gpus}×{m.gpu.upper()}" + (f" ({m.parallel})" if m.parallel else "")
                       + f" [{m.row_id}]" for m in rows)
    text = (f"GPU counts differ: {setups}. Energy per output token counts every GPU of each run, so these rows compare "
            f"per output token at the same max_num_seqs {head.batch_size} within {head.experiment}")
    if baseline is None:
        return text + "."
    words = []
    for m in rows:
        if m.precision != baseline.precision and m.num_gpus != baseline.num_gpus:
            share = m.num_gpus / baseline.num_gpus
            how = _FRACTIONS.get(share, f"{share:g}× the")
            words.append(f"{m.precision} needs {how} GPUs of {baseline.precision} ({m.num_gpus} vs {baseline.num_gpus})")
    return text + (f"; {'; '.join(words)}." if words else ".")


def absent_baseline_note(rows: list[Measurement], baseline: str, params_b: float | None, vram_gb: float | None) -> str | None:
    """Why a precision comparison on one GPU has no baseline row: what is measured, and whether its weights fit."""
    if not rows or any(m.precision == baseline for m in rows):
        return None
    head = rows[0]
    setups = ", ".join(sorted({f"{m.precision} on {m.num_gpus}×{m.gpu.upper()}" for m in rows}))
    text = f"No {baseline} row for {head.model} on {head.gpu} in {head.experiment} (measured: {setups}), so no delta vs {baseline} here"
    most = max(m.num_gpus for m in rows)
    if params_b and vram_gb:
        per_param = BYTES_PER_PARAM[baseline]
        need = params_b * per_param
        fits = "more than" if need > most * vram_gb else "within"
        text += (f"; {baseline} weights need {need:g} GB ({params_b:g}e9 parameters x {per_param:g} bytes), {fits} "
                 f"{most} × {vram_gb:g} GB")
    return text + "."


def moe_row(model: str | None) -> Measurement | None:
    """A row of `model` stating it is a mixture of experts, with its total and active parameters."""
    return next((m for m in load().measurements if m.model == model and m.is_moe and m.params_b and m.activated_params_b),
                None)


def moe_note(m: Measurement) -> str:
    """For a mixture-of-experts row: total parameters decide memory, active parameters the work per token."""
    return (f"{m.model} is a mixture of experts: {m.params_b:g}B parameters stored (all of them must fit in GPU "
            f"memory, so VRAM fit uses {m.params_b:g}B) and {m.activated_params_b:g}B active per token.")
