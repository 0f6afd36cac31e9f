"""`compare_gpus`: one model across GPUs within one engine and dataset; ratios only within a dataset."""

from __future__ import annotations

from typing import Annotated, NamedTuple

from pydantic import BaseModel, Field

from ecocompute.tools.common import Basis, RowView, known, row_order, view
from ecocompute.tools.dataset import Measurement
from ecocompute.tools.names import gpu_and_count
from ecocompute.tools.query import Query, coverage, primary_rows, resolve


class GpuEntry(BaseModel):
    row: RowView
    energy_j_per_1k_tok_per_gpu: float | None
    power_w_per_gpu: float | None
    energy_vs_lowest: float | None
    basis: Basis = "derived"
    formula: str = "per-GPU values = all-GPU value / num_gpus; energy_vs_lowest = energy / lowest energy in this group"


class GpuGroup(BaseModel):
    """Rows that may be compared: one dataset, engine, energy basis and precision."""

    dataset: str
    engine: str
    engine_version: str | None
    energy_basis: str
    precision: str
    batch_size: int | None
    entries: list[GpuEntry]


class CompareGpusResult(BaseModel):
    """The same model across GPUs, grouped so that no ratio spans two engines, datasets or bases."""

    model: str
    basis: Basis
    groups: list[GpuGroup]
    not_comparable: list[str]
    warnings: list[str]
    covered: dict[str, list[str]] | None = None


class GroupKey(NamedTuple):
    """What rows must share to be compared: the `GpuGroup` fields, named as the `Measurement` attributes."""

    dataset: str
    engine: str
    engine_version: str | None
    energy_basis: str
    precision: str
    batch_size: int | None


def compare_gpus(
    model: str,
    engine: str | None = None,
    batch_size: Annotated[int | None, Field(ge=1, le=100000)] = None,
    precision: str | None = None,
    gpus: Annotated[list[str] | None, Field(max_length=8, description="Only these, e.g. ['h100', '4xH100']")] = None,
) -> CompareGpusResult:
    """GPUs side by side for a model, within one engine: energy per token (and per GPU), throughput, latency."""
    q = resolve(None, model, precision, batch_size, engine, sized_ok=False)
    rows = _candidate_rows(q, gpus)
    groups = _groups(rows)
    in_order = sorted(groups.items(), key=lambda kv: str(tuple(kv[0])))
    comparable = [_group(k, v) for k, v in in_order if _several_gpus(v)]
    alone = [_alone(k, v) for k, v in groups.items() if not _several_gpus(v)]
    return CompareGpusResult(model=known(q.model), basis=_basis(comparable, rows), groups=comparable[:20],
                             not_comparable=alone[:30], warnings=_kept_apart(rows),
                             covered=None if rows else coverage(q))


def _candidate_rows(q: Query, gpus: list[str] | None) -> list[Measurement]:
    """Primary rows with an energy figure on the GPUs asked ("4xH100" keeps only the 4-GPU rows of H100)."""
    wanted = [gpu_and_count(g) for g in gpus] if gpus else None
    return [m for m in primary_rows(q) if m.energy_j_per_1k_tok and (wanted is None or _on_one_of(m, wanted))]


def _on_one_of(m: Measurement, wanted: list[tuple[str, int | None]]) -> bool:
    return any(m.gpu == gpu and count in (None, m.num_gpus) for gpu, count in wanted)


def _groups(rows: list[Measurement]) -> dict[GroupKey, list[Measurement]]:
    """Rows by what they must share, each group's rows in preference order (`row_order`)."""
    groups: dict[GroupKey, list[Measurement]] = {}
    for m in sorted(rows, key=row_order):
        key = GroupKey(*(getattr(m, name) for name in GroupKey._fields))
        groups.setdefault(key, []).append(m)
    return groups


def _several_gpus(rows: list[Measurement]) -> bool:
    return len({m.gpu for m in rows}) > 1


def _alone(key: GroupKey, rows: list[Measurement]) -> str:
    """Why a row is not compared: no other GPU shares its dataset, engine, basis, precision and batch size."""
    return (f"{rows[0].gpu} {key.engine} {key.engine_version or ''} {key.precision} batch {key.batch_size} "
            f"({rows[0].row_id}): only GPU in its group")


def _basis(groups: list[GpuGroup], rows: list[Measurement]) -> Basis:
    """Derived when a group compares GPUs, measured when rows stand alone, unavailable when there are none."""
    if groups:
        return "derived"
    return "measured" if rows else "unavailable"


def _kept_apart(rows: list[Measurement]) -> list[str]:
    """Warnings for rows that could look comparable but are kept in separate groups."""
    warnings = []
    if {m.energy_basis for m in rows} >= {"gross", "net_of_idle"}:
        warnings.append("Some rows are net of idle power and others gross: they are never put in one group.")
    if len({m.engine for m in rows}) > 1:
        warnings.append("Rows from different engines are in separate groups: a ratio across engines would compare "
                        "different experiments.")
    return warnings


def _group(key: GroupKey, rows: list[Measurement]) -> GpuGroup:
    """One entry per GPU and count (the preferred row), per-GPU values, energy relative to the lowest."""
    best: dict[tuple, Measurement] = {}
    for m in rows:
        best.setdefault((m.gpu, m.num_gpus), m)
    low = min(known(m.energy_j_per_1k_tok) for m in best.values())
    entries = [GpuEntry(row=view(m), energy_j_per_1k_tok_per_gpu=round(known(m.energy_j_per_1k_tok) / m.num_gpus, 2),
                        power_w_per_gpu=round(m.power_w / m.num_gpus, 1) if m.power_w else None,
                        energy_vs_lowest=round(known(m.energy_j_per_1k_tok) / low, 3)) for m in best.values()]
    return GpuGroup(**key._asdict(), entries=sorted(entries, key=lambda e: e.row.energy_j_per_1k_tok or 0))
