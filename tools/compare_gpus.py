"""`compare_gpus`: one model across GPUs within one engine and dataset; ratios only within a dataset."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from ecocompute.tools.common import Basis, RowView, known, row_order, view
from ecocompute.tools.dataset import Measurement
from ecocompute.tools.names import gpu_and_count
from ecocompute.tools.query import coverage, primary_rows, resolve


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


def compare_gpus(
    model: str,
    engine: str | None = None,
    batch_size: Annotated[int | None, Field(ge=1, le=100000)] = None,
    precision: str | None = None,
    gpus: Annotated[list[str] | None, Field(max_length=8, description="Only these, e.g. ['h100', '4xH100']")] = None,
) -> CompareGpusResult:
    """GPUs side by side for a model, within one engine: energy per token (and per GPU), throughput, latency."""
    q = resolve(None, model, precision, batch_size, engine, sized_ok=False)
    wanted = [gpu_and_count(g) for g in gpus] if gpus else None  # "4xH100" keeps only 4-GPU rows of H100
    rows = [m for m in primary_rows(q) if m.energy_j_per_1k_tok
            and (wanted is None or any(m.gpu == g and n in (None, m.num_gpus) for g, n in wanted))]
    groups: dict[tuple, list[Measurement]] = {}
    for m in sorted(rows, key=row_order):
        key = (m.dataset, m.engine, m.engine_version, m.energy_basis, m.precision, m.batch_size)
        groups.setdefault(key, []).append(m)
    comparable = [_group(k, v) for k, v in sorted(groups.items(), key=lambda kv: str(kv[0])) if len({m.gpu for m in v}) > 1]
    singles = [f"{v[0].gpu} {k[1]} {k[2] or ''} {k[4]} batch {k[5]} ({v[0].row_id}): only GPU in its group" for k, v in groups.items()
               if len({m.gpu for m in v}) == 1]
    warnings = []
    if {m.energy_basis for m in rows} >= {"gross", "net_of_idle"}:
        warnings.append("Some rows are net of idle power and others gross: they are never put in one group.")
    if len({m.engine for m in rows}) > 1:
        warnings.append("Rows from different engines are in separate groups: a ratio across engines would compare different experiments.")
    return CompareGpusResult(model=known(q.model), basis="derived" if comparable else ("measured" if rows else "unavailable"),
                             groups=comparable[:20], not_comparable=singles[:30], warnings=warnings,
                             covered=None if rows else coverage(q))


def _group(key: tuple, rows: list[Measurement]) -> GpuGroup:
    dataset, engine, version, basis, precision, batch = key
    best: dict[tuple, Measurement] = {}
    for m in rows:
        best.setdefault((m.gpu, m.num_gpus), m)
    low = min(known(m.energy_j_per_1k_tok) for m in best.values())
    entries = [GpuEntry(row=view(m), energy_j_per_1k_tok_per_gpu=round(known(m.energy_j_per_1k_tok) / m.num_gpus, 2),
                        power_w_per_gpu=round(m.power_w / m.num_gpus, 1) if m.power_w else None,
                        energy_vs_lowest=round(known(m.energy_j_per_1k_tok) / low, 3)) for m in best.values()]
    return GpuGroup(dataset=dataset, engine=engine, engine_version=version, energy_basis=basis, precision=precision,
                    batch_size=batch, entries=sorted(entries, key=lambda e: e.row.energy_j_per_1k_tok or 0))
