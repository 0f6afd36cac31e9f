"""Latency-aware `max_num_seqs` choice over the vLLM serving rows (one dataset, GPU count, precision)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from ecocompute.tools.common import RowView, known, pct_change, view
from ecocompute.tools.dataset import Measurement

LatencyMetric = Literal["median", "p99"]


class ServingChoice(BaseModel):
    """The chosen setting, its neighbours, and what a tighter deadline costs."""

    experiment: str
    engine_version: str | None
    num_gpus: int
    precision: str
    deadline_ms: float | None
    latency_metric: LatencyMetric
    chosen: RowView | None
    meets_deadline: bool
    neighbours: list[RowView]
    tighter_deadline: str | None
    explanation: str


def _latency(m: Measurement, metric: LatencyMetric) -> float | None:
    return m.p99_itl_ms if metric == "p99" else m.median_itl_ms


def choose(rows: list[Measurement], deadline: float | None, metric: LatencyMetric) -> ServingChoice:
    """Lowest energy per token whose measured latency meets the deadline (rows of one sweep)."""
    sweep = sorted(rows, key=lambda m: m.batch_size or 0)
    head = sweep[0]
    base: dict[str, Any] = dict(experiment=head.experiment, engine_version=head.engine_version, num_gpus=head.num_gpus,
                precision=head.precision, deadline_ms=deadline, latency_metric=metric)
    if deadline is not None and all(_latency(m, metric) is None for m in sweep):
        return ServingChoice(**base, chosen=None, meets_deadline=False, neighbours=[view(m) for m in sweep[:3]],
                             tighter_deadline=None, explanation=f"{head.experiment} records no {metric} inter-token latency, so the deadline cannot be checked.")
    ok = [m for m in sweep if deadline is None or (_latency(m, metric) or float("inf")) <= deadline]
    if not ok:
        fastest = min(sweep, key=lambda m: _latency(m, metric) or float("inf"))
        return ServingChoice(**base, chosen=view(fastest), meets_deadline=False, neighbours=_around(sweep, fastest),
                             tighter_deadline=None,
                             explanation=(f"No measured max_num_seqs meets {metric} ITL <= {deadline:g} ms; the lowest measured is "
                                          f"{_latency(fastest, metric):g} ms at max_num_seqs {fastest.batch_size} ({fastest.row_id})."))
    best = min(ok, key=lambda m: m.energy_j_per_1k_tok or float("inf"))
    return ServingChoice(**base, chosen=view(best), meets_deadline=True, neighbours=_around(sweep, best),
                         tighter_deadline=_tighter(ok, best, metric),
                         explanation=(f"max_num_seqs {best.batch_size} has the lowest energy per output token among settings"
                                      + (f" whose {metric} ITL <= {deadline:g} ms" if deadline is not None else "") + f" ({best.row_id})."))


def _around(sweep: list[Measurement], m: Measurement) -> list[RowView]:
    i = sweep.index(m)
    return [view(x) for x in sweep[max(0, i - 1):i + 2] if x is not m]


def _tighter(ok: list[Measurement], best: Measurement, metric: LatencyMetric) -> str | None:
    lat = _latency(best, metric)
    faster = [m for m in ok if lat is not None and (_latency(m, metric) or float("inf")) < lat]
    if not faster or not best.energy_j_per_1k_tok:
        return None
    nxt = min(faster, key=lambda m: m.energy_j_per_1k_tok or float("inf"))
    return (f"A deadline below {lat:g} ms moves to max_num_seqs {nxt.batch_size} ({nxt.row_id}, {metric} ITL {_latency(nxt, metric):g} ms): "
            f"{pct_change(known(nxt.energy_j_per_1k_tok), best.energy_j_per_1k_tok):+.1f}% energy per token vs {best.row_id}.")
