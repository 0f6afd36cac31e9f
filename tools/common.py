"""Result building blocks shared by the tools: row views, derived deltas, basis labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field

from ecocompute.tools.basis import INT8_PURE_CAVEAT, Basis, comparable, known, pct_change  # noqa: F401 (shared names)
from ecocompute.tools.dataset import Measurement, Run, Source


def empty_list() -> list[Any]:
    """`Field(default_factory=empty_list)`: a new list per result as `list` gives, without pydantic reading
    `list`'s text signature (`inspect` compiles tokenize's pattern for it: ~2 ms of a one-call process)."""
    return []


def unit(symbol: str, description: str = "", default: object = ...) -> Any:
    """A result field's declared unit (in its JSON schema as `unit`, for every consumer to read)."""
    return Field(default, description=description or None, json_schema_extra={"unit": symbol})


class RowView(BaseModel):
    """A measured row as tools return it: values, spread, regime and provenance."""

    row_id: str
    basis: Basis = "measured"
    experiment: str
    role: str
    engine: str
    engine_version: str | None
    regime: str
    gpu: str
    num_gpus: int
    model: str
    params_b: float | None
    precision: str
    batch_size: int | None
    max_new_tokens: float | None
    throughput_tok_s: float | None = unit('tok/s', 'generated tokens per second (all GPUs)')
    throughput_std: float | None = unit('tok/s', '')
    power_w: float | None = unit('W', 'mean GPU power (all GPUs of the row)')
    power_std: float | None = unit('W', '')
    energy_j_per_1k_tok: float | None = unit('J/1k tok', 'energy per 1,000 generated tokens')
    energy_std: float | None = unit('J/1k tok', '')
    energy_basis: str
    n_runs: int | None
    median_itl_ms: float | None = unit("ms", "median inter-token latency", None)
    p99_itl_ms: float | None = unit("ms", "p99 inter-token latency", None)
    perplexity_wikitext2: float | None = None
    identity_check: str
    source: Source
    power_w_per_gpu: float | None = unit("W", "", None)  # derived: power_w (all GPUs) / num_gpus, multi-GPU rows only
    parallel: str | None = None  # serving: "TP1, EP4, DP1" (tensor, expert, data parallel sizes)
    architecture: str | None = None  # Dense, MoE, Mamba-Transformer where the source says
    activated_params_b: float | None = None  # MoE: parameters active per token (params_b = total, stored)
    runs: list[Run] = []  # a mean over reruns of one configuration: every run's values
    spread_pct: float | None = None  # reruns: (highest - lowest) / lowest energy per token x 100


_DERIVED_VIEW_FIELDS = {"basis", "regime", "identity_check", "power_w_per_gpu", "parallel", "spread_pct"}


def view(m: Measurement) -> RowView:
    """The public view of a measurement row (a mean over reruns is `derived`, with each run kept)."""
    data = m.model_dump(include=set(RowView.model_fields) - _DERIVED_VIEW_FIELDS)
    per_gpu = round(m.power_w / m.num_gpus, 1) if m.power_w and m.num_gpus > 1 else None
    return RowView(**data, basis="derived" if m.runs else "measured", regime=m.regime, identity_check=m.identity,
                   power_w_per_gpu=per_gpu, parallel=m.parallel, spread_pct=m.spread_pct)


class Delta(BaseModel):
    """A percentage derived from two rows of one experiment and one energy basis."""

    pct: float = unit("%")
    basis: Basis = "derived"
    formula: str
    row_ids: list[str]


def _delta(field: str, new: Measurement, old: Measurement) -> Delta | None:
    a, b = getattr(new, field), getattr(old, field)
    if not comparable(new, old) or a is None or not b:
        return None
    return Delta(pct=pct_change(a, b), formula=f"({new.row_id}.{field} - {old.row_id}.{field}) / {old.row_id}.{field} x 100",
                 row_ids=[new.row_id, old.row_id])


def energy_delta(new: Measurement, old: Measurement) -> Delta | None:
    """Δ energy per 1k tokens of `new` vs `old`, or None when the rows are not comparable."""
    return _delta("energy_j_per_1k_tok", new, old)


def throughput_delta(new: Measurement, old: Measurement) -> Delta | None:
    """Δ throughput of `new` vs `old`, or None when the rows are not comparable."""
    return _delta("throughput_tok_s", new, old)


def identity_warnings(rows: Iterable[Measurement]) -> list[str]:
    """Data-quality warnings for the rows used: failed identity checks, and reruns (see `repeat_warning`)."""
    rows = list(rows)
    return ([f"{m.row_id}: energy identity check {m.identity}" for m in rows if not m.identity_ok]
            + [repeat_warning(m) for m in rows if m.runs])


def repeat_warning(m: Measurement) -> str:
    """Say that a row is a mean over reruns, with every run's value and the spread between them."""
    values = ", ".join(f"{r.row_id} {r.energy_j_per_1k_tok:g}" for r in m.runs)
    return (f"{m.row_id}: this configuration was measured {len(m.runs)} times ({values} J per 1k tokens); the row is "
            f"their mean and the runs differ by {m.spread_pct:g}% ((highest - lowest) / lowest), so a single-run "
            "row of this dataset can sit as far from a rerun.")


def row_order(m: Measurement) -> tuple[int, int, str]:
    """Preference among rows of one configuration: identity ok, more runs, then row id."""
    return (0 if m.identity_ok else 1, -(m.n_runs or 0), m.row_id)
