"""`lookup_measurement`: measured rows for a configuration, with provenance and conflicts."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from ecocompute.tools.common import (
    Basis, Delta, RowView, empty_list, energy_delta, identity_warnings, known, row_order, view,
)
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.query import Query, coverage, other_rows, primary_rows, require_any, resolve

MAX_ROWS = 40


class Conflict(BaseModel):
    """Another source's value for a measured configuration."""

    row: RowView
    differs_from: str | None
    energy_ratio_to_primary: float | None
    note: str


class LookupResult(BaseModel):
    """Primary rows matching the query, other sources' conflicting rows, and coverage on a miss."""

    query: Query
    basis: Basis
    rows: list[RowView]
    total_rows: int
    conflicts: list[Conflict]
    vs_smallest_batch: list[Delta] = Field(default_factory=empty_list, description="energy per token of each row vs the smallest batch of its experiment")
    warnings: list[str]
    covered: dict[str, list[str]] | None = None


def lookup_measurement(
    gpu: str | None = None,
    model: str | None = None,
    precision: str | None = None,
    batch_size: Annotated[int | None, Field(ge=1, le=100000)] = None,
    engine: str | None = None,
) -> LookupResult:
    """Measured throughput, power and energy per 1k tokens of a configuration (give at least one filter).

    At least one filter is required. Rows come from primary sources only; other sources' values for the
    same configuration are listed as conflicts. When nothing matches, `covered` lists what is measured.
    """
    require_any(gpu=gpu, model=model, precision=precision, batch_size=batch_size, engine=engine)
    q = resolve(gpu, model, precision, batch_size, engine)
    rows = sorted(primary_rows(q), key=lambda m: (m.engine, m.gpu, m.model, m.precision, m.batch_size or 0, row_order(m)))
    if q.model_given and q.model is None:
        rows = []
    by_id = {m.row_id: m for m in rows}
    conflicts = [_conflict(o, rows) for o in other_rows(q, rows)]
    warnings = identity_warnings(rows)
    if len({(m.engine, m.experiment) for m in rows}) > 1:
        warnings.append("Rows come from several experiments or engines: compare values only within one experiment.")
    if q.model_given and q.model is None:
        warnings.append(f"{q.model_given!r} is not in the measured data"
                        + (f" (about {q.model_params_b:g}B parameters from its name)." if q.model_params_b else "."))
    return LookupResult(
        query=q, basis="measured" if rows else "unavailable",
        rows=[view(by_id[m.row_id]) for m in rows[:MAX_ROWS]], total_rows=len(rows),
        conflicts=conflicts[:MAX_ROWS], vs_smallest_batch=_batch_deltas(rows[:MAX_ROWS]), warnings=warnings + ([f"{len(rows) - MAX_ROWS} more rows not shown; narrow the query."] if len(rows) > MAX_ROWS else []),
        covered=None if rows else coverage(q),
    )


def _batch_deltas(rows: list[Measurement]) -> list[Delta]:
    """Each row vs the smallest-batch row of the same experiment, GPU, model and precision."""
    smallest: dict[tuple, Measurement] = {}
    for m in load().primary():
        key = (m.experiment, m.gpu, m.model, m.precision, m.num_gpus)
        if m.batch_size and m.energy_j_per_1k_tok and (key not in smallest or m.batch_size < known(smallest[key].batch_size)):
            smallest[key] = m
    out = []
    for m in rows:
        base = smallest.get((m.experiment, m.gpu, m.model, m.precision, m.num_gpus))
        delta = energy_delta(m, base) if base and base.batch_size != m.batch_size else None
        if delta:
            out.append(delta)
    return out


def _conflict(other, primaries) -> Conflict:
    same = [p for p in primaries if (p.gpu, p.model, p.precision, p.engine) == (other.gpu, other.model, other.precision, other.engine)
            and (other.batch_size is None or p.batch_size == other.batch_size)]
    ref = same[0] if same else None
    ratio = None
    if ref and ref.energy_j_per_1k_tok and other.energy_j_per_1k_tok:
        ratio = round(other.energy_j_per_1k_tok / ref.energy_j_per_1k_tok, 3)
    return Conflict(row=view(other), differs_from=ref.row_id if ref else None,
                    energy_ratio_to_primary=ratio, note=other.notes.split(";", 2)[-1].strip()[:300])
