"""`compare_precisions`: one row per precision from the same experiment, with Δ vs the FP16 baseline."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from ecocompute.tools.common import (
    INT8_PURE_CAVEAT,
    Basis,
    Delta,
    RowView,
    energy_delta,
    identity_warnings,
    known,
    row_order,
    throughput_delta,
    view,
)
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.engines import default_engine
from ecocompute.tools.engines import engine as engine_entry
from ecocompute.tools.errors import not_measured
from ecocompute.tools.names import BYTES_PER_PARAM
from ecocompute.tools.query import Query, coverage, other_rows, primary_rows, resolve
from ecocompute.tools.serving import absent_baseline_note, gpu_count_note

ORDER = ("fp16", "bf16", "fp8", "nf4", "nf4_dq", "int8_default", "int8_pure", "int8_unspecified")
CAVEATS = {
    "int8_default": "mixed-precision decomposition (threshold 6.0) slows every matmul: more energy than FP16",
    "int8_pure": INT8_PURE_CAVEAT,
    "int8_unspecified": "the source does not state the INT8 threshold; treat it as unknown",
    "nf4": "4-bit weights: dequantisation costs per token; small models lose energy, quality loss is usually small",
    "nf4_dq": "double quantisation saves a little memory but adds dequantisation work",
    "fp8": "FP8 weights: cheaper only where the kernels and batch size make use of it",
}
EAGER_PRECISIONS = ("fp16", "nf4", "int8_default", "int8_pure")  # shown in a transformers table even when unmeasured
SEVERAL_TABLES = "Several experiments measured this configuration; percentages are computed within each table only."
Setup = tuple[str, int]  # (precision, GPU count)


class WeightMemory(BaseModel):
    gb: float
    basis: Basis = "derived"
    formula: str


class PrecisionRow(BaseModel):
    precision: str
    num_gpus: int | None = None  # GPUs of the measured run (energy counts all of them)
    parallel: str | None = None  # serving: TP/EP/DP of the measured run
    measured: RowView | None
    delta_energy_vs_baseline: Delta | None
    delta_throughput_vs_baseline: Delta | None
    weight_memory: WeightMemory | None
    quality_caveat: str | None
    perplexity_delta_vs_baseline: float | None = None
    status: str


class PrecisionTable(BaseModel):
    experiment: str
    engine: str
    energy_basis: str
    baseline: str | None
    rows: list[PrecisionRow]
    gpu_counts: str | None = None  # in words, when the precisions run on different GPU counts


class CompareResult(BaseModel):
    """COMPARE: per-experiment precision tables for one model on one GPU and batch size."""

    gpu: str
    model: str
    batch_size: int
    basis: Basis
    tables: list[PrecisionTable]
    conflicts: list[str]
    warnings: list[str]
    covered: dict[str, list[str]] | None = None


def compare_precisions(
    gpu: str,
    model: str,
    batch_size: Annotated[int | None, Field(ge=1, le=100000)] = None,
    engine: str | None = None,
) -> CompareResult:
    """Precisions side by side for a model on a GPU: energy and throughput vs FP16 (BF16 on vLLM)."""
    q = resolve(gpu, model, None, None, engine, sized_ok=False, checkpoint_decides=False)
    rows = primary_rows(q)
    if not rows:
        return _unavailable(q, gpu, model, batch_size)
    bs, at_bs = _at_batch_size(q, _default_engine_rows(rows), batch_size)
    tables = _tables(at_bs, q.model_params_b or at_bs[0].params_b)
    conflicts = _conflicts(q, bs, at_bs)
    warnings = identity_warnings(at_bs) + _absent_baseline(q, at_bs) + ([SEVERAL_TABLES] if len(tables) > 1 else [])
    return CompareResult(gpu=known(q.gpu), model=known(q.model), batch_size=bs, basis="measured", tables=tables,
                         conflicts=conflicts, warnings=warnings)


# Candidate rows: one engine, one batch size.

def _unavailable(q: Query, gpu: str, model: str, batch_size: int | None) -> CompareResult:
    """No primary row matches: an empty result that lists what the data cover instead."""
    return CompareResult(gpu=q.gpu or gpu, model=q.model or model, batch_size=batch_size or 1, basis="unavailable",
                         tables=[], conflicts=[], warnings=[f"No primary rows for {q.model} on {q.gpu}."],
                         covered=coverage(q))


def _default_engine_rows(rows: list[Measurement]) -> list[Measurement]:
    """The rows of one engine: the one named, else the one answered by default (`default_engine`)."""
    chosen = default_engine({m.engine for m in rows})
    return [m for m in rows if m.engine == chosen]


def _at_batch_size(q: Query, rows: list[Measurement], batch_size: int | None) -> tuple[int, list[Measurement]]:
    """The batch size compared (the one asked, else the smallest measured) and its rows; unmeasured is an error."""
    bs = batch_size or min(m.batch_size or 1 for m in rows)
    at_bs = [m for m in rows if m.batch_size == bs]
    if not at_bs:
        measured = sorted({m.batch_size for m in rows if m.batch_size})
        raise not_measured(f"{q.model} on {q.gpu} is not measured at batch size {bs}; "
                           f"measured batch sizes: {measured}.", "batch_size", bs, measured)
    return bs, at_bs


# Tables: one per experiment; within one, a row per precision and GPU count against one baseline.

def _tables(rows: list[Measurement], params_b: float | None) -> list[PrecisionTable]:
    """One table per experiment, the experiment that measured the most precisions first."""
    experiments = sorted({m.experiment for m in rows})
    breadth = {e: len({m.precision for m in rows if m.experiment == e}) for e in experiments}
    return [_table(e, [m for m in rows if m.experiment == e], params_b)
            for e in sorted(experiments, key=lambda e: -breadth[e])]


def _table(experiment: str, rows: list[Measurement], params_b: float | None) -> PrecisionTable:
    """One experiment's table: its baseline row and a row per precision and GPU count."""
    by_setup = _one_row_per_setup(rows)
    eng = engine_entry(rows[0].engine)
    base = _baseline(by_setup, eng.baseline_precision)
    setups = _setups(by_setup, _precisions_shown(by_setup, eng.serving))
    return PrecisionTable(
        experiment=experiment, engine=rows[0].engine, energy_basis=rows[0].energy_basis,
        baseline=base.row_id if base else None,
        rows=[_row(p, m, base, params_b) for p, m in setups],
        gpu_counts=gpu_count_note([m for _, m in setups if m], base),
    )


def _one_row_per_setup(rows: list[Measurement]) -> dict[Setup, Measurement]:
    """The preferred row (`row_order`) for each precision and GPU count."""
    by_setup: dict[Setup, Measurement] = {}
    for m in sorted(rows, key=row_order):
        by_setup.setdefault((m.precision, m.num_gpus), m)
    return by_setup


def _baseline(by_setup: dict[Setup, Measurement], engine_baseline: str) -> Measurement | None:
    """The row deltas are taken against: the engine's baseline precision, else FP16, else BF16; fewest GPUs first."""
    fewest_gpus_first = sorted(by_setup, key=lambda setup: setup[1])
    for precision in dict.fromkeys((engine_baseline, "fp16", "bf16")):
        for setup in fewest_gpus_first:
            if setup[0] == precision:
                return by_setup[setup]
    return None


def _precisions_shown(by_setup: dict[Setup, Measurement], serving: bool) -> list[str]:
    """The measured precisions in `ORDER`; an eager table also shows its usual precisions when unmeasured."""
    always = () if serving else EAGER_PRECISIONS
    measured = {precision for precision, _ in by_setup}
    return [p for p in ORDER if p in measured or p in always]


def _setups(by_setup: dict[Setup, Measurement], precisions: list[str]) -> list[tuple[str, Measurement | None]]:
    """A (precision, row) per measured GPU count, fewest GPUs first; (precision, None) when it is not measured."""
    out: list[tuple[str, Measurement | None]] = []
    for p in precisions:
        counts = sorted(n for precision, n in by_setup if precision == p)
        out += [(p, by_setup[(p, n)]) for n in counts] or [(p, None)]
    return out


def _row(precision: str, m: Measurement | None, base: Measurement | None, params_b: float | None) -> PrecisionRow:
    """One precision's line: the measured row and its change vs the baseline, or `not measured`."""
    memory, caveat = _weight_memory(precision, params_b), CAVEATS.get(precision)
    if m is None:
        return PrecisionRow(precision=precision, num_gpus=None, parallel=None, measured=None,
                            delta_energy_vs_baseline=None, delta_throughput_vs_baseline=None, weight_memory=memory,
                            quality_caveat=caveat, perplexity_delta_vs_baseline=None,
                            status="not measured in this experiment")
    against = None if base is None or base is m else base
    return PrecisionRow(
        precision=precision, num_gpus=m.num_gpus, parallel=m.parallel, measured=view(m),
        delta_energy_vs_baseline=energy_delta(m, against) if against is not None else None,
        delta_throughput_vs_baseline=throughput_delta(m, against) if against is not None else None,
        weight_memory=memory, quality_caveat=caveat, perplexity_delta_vs_baseline=_perplexity_delta(m, against),
        status="measured",
    )


def _weight_memory(precision: str, params_b: float | None) -> WeightMemory | None:
    """Weights only (parameters x bytes per weight); None when the model size is unknown."""
    if not params_b:
        return None
    bpp = BYTES_PER_PARAM[precision]
    return WeightMemory(gb=round(params_b * bpp, 1),
                        formula=f"{params_b:g}e9 parameters x {bpp:g} bytes / 1e9 (weights only)")


def _perplexity_delta(m: Measurement, base: Measurement | None) -> float | None:
    """WikiText-2 perplexity minus the baseline's, when both rows state one."""
    if base is None or not (m.perplexity_wikitext2 and base.perplexity_wikitext2):
        return None
    return round(m.perplexity_wikitext2 - base.perplexity_wikitext2, 3)


# Reasons beside the tables: other sources, and why a serving baseline is absent.

def _conflicts(q: Query, bs: int, rows: list[Measurement]) -> list[str]:
    """Secondary and claim rows for the compared configurations, each with its source and note."""
    return [_conflict(o) for o in other_rows(q.model_copy(update={"batch_size": bs}), rows)]


def _conflict(o: Measurement) -> str:
    """A row from another source: its figure, source, and its note after the first two `;`-separated fields."""
    note = o.notes.split(";", 2)[-1].strip()[:200]
    return (f"{o.row_id} ({o.source.path}@{o.source.commit}) gives {o.energy_j_per_1k_tok} J/1k "
            f"for {o.precision}: {note}")


def _absent_baseline(q: Query, rows: list[Measurement]) -> list[str]:
    """On a serving engine, why its baseline precision has no row (empty otherwise)."""
    serving = engine_entry(rows[0].engine)
    if not serving.serving:
        return []
    vram_gb = load().gpus[known(q.gpu)].vram_gb
    note = absent_baseline_note(rows, serving.baseline_precision, q.model_params_b, vram_gb)
    return [note] if note else []
