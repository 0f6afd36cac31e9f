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
from ecocompute.tools.query import coverage, other_rows, primary_rows, resolve
from ecocompute.tools.serving import absent_baseline_note, gpu_count_note

# Bytes per weight for the weight-memory estimate (parameters x bytes; activations and KV cache excluded).
BYTES_PER_PARAM = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "int8_default": 1.0,
                   "int8_pure": 1.0, "int8_unspecified": 1.0, "nf4": 0.5, "nf4_dq": 0.5}
ORDER = ("fp16", "bf16", "fp8", "nf4", "nf4_dq", "int8_default", "int8_pure", "int8_unspecified")
CAVEATS = {
    "int8_default": "mixed-precision decomposition (threshold 6.0) slows every matmul: more energy than FP16",
    "int8_pure": INT8_PURE_CAVEAT,
    "int8_unspecified": "the source does not state the INT8 threshold; treat it as unknown",
    "nf4": "4-bit weights: dequantisation costs per token; small models lose energy, quality loss is usually small",
    "nf4_dq": "double quantisation saves a little memory but adds dequantisation work",
    "fp8": "FP8 weights: cheaper only where the kernels and batch size make use of it",
}


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
        return CompareResult(gpu=q.gpu or gpu, model=q.model or model, batch_size=batch_size or 1, basis="unavailable",
                             tables=[], conflicts=[], warnings=[f"No primary rows for {q.model} on {q.gpu}."], covered=coverage(q))
    chosen = default_engine({m.engine for m in rows})
    engine_rows = [m for m in rows if m.engine == chosen]
    bs = batch_size or min(m.batch_size or 1 for m in engine_rows)
    at_bs = [m for m in engine_rows if m.batch_size == bs]
    if not at_bs:
        measured = sorted({m.batch_size for m in engine_rows if m.batch_size})
        raise not_measured(f"{q.model} on {q.gpu} is not measured at batch size {bs}; measured batch sizes: {measured}.",
                           "batch_size", bs, measured)
    tables = [_table(exp, [m for m in at_bs if m.experiment == exp], q.model_params_b or at_bs[0].params_b)
              for exp in sorted({m.experiment for m in at_bs}, key=lambda e: -len({m.precision for m in at_bs if m.experiment == e}))]
    conflicts = [f"{o.row_id} ({o.source.path}@{o.source.commit}) gives {o.energy_j_per_1k_tok} J/1k for {o.precision}: {o.notes.split(';', 2)[-1].strip()[:200]}"
                 for o in other_rows(q.model_copy(update={"batch_size": bs}), at_bs)]
    warnings = identity_warnings(at_bs)
    serving = engine_entry(at_bs[0].engine)
    if serving.serving:  # say why the serving baseline is missing
        note = absent_baseline_note(at_bs, serving.baseline_precision, q.model_params_b, load().gpus[known(q.gpu)].vram_gb)
        warnings += [note] if note else []
    if len(tables) > 1:
        warnings.append("Several experiments measured this configuration; percentages are computed within each table only.")
    return CompareResult(gpu=known(q.gpu), model=known(q.model), batch_size=bs, basis="measured", tables=tables,
                         conflicts=conflicts, warnings=warnings)


def _table(experiment: str, rows: list[Measurement], params_b: float | None) -> PrecisionTable:
    by_setup: dict[tuple[str, int], Measurement] = {}  # one row per precision and GPU count
    for m in sorted(rows, key=row_order):
        by_setup.setdefault((m.precision, m.num_gpus), m)
    eng = engine_entry(rows[0].engine)
    baselines = dict.fromkeys((eng.baseline_precision, "fp16", "bf16"))
    base = next((by_setup[k] for b in baselines for k in sorted(by_setup, key=lambda k: k[1]) if k[0] == b), None)
    always = () if eng.serving else ("fp16", "nf4", "int8_default", "int8_pure")  # the eager precision table
    wanted = [p for p in ORDER if any(k[0] == p for k in by_setup) or p in always]
    counts: dict[str, list[int | None]] = {p: [*sorted(k[1] for k in by_setup if k[0] == p)] or [None] for p in wanted}
    setups = [(p, by_setup.get((p, n)) if n is not None else None) for p in wanted for n in counts[p]]
    return PrecisionTable(
        experiment=experiment, engine=rows[0].engine, energy_basis=rows[0].energy_basis,
        baseline=base.row_id if base else None,
        rows=[_row(p, m, base, params_b) for p, m in setups],
        gpu_counts=gpu_count_note([m for _, m in setups if m], base),
    )


def _row(precision: str, m: Measurement | None, base: Measurement | None, params_b: float | None) -> PrecisionRow:
    memory = None
    if params_b:
        bpp = BYTES_PER_PARAM[precision]
        memory = WeightMemory(gb=round(params_b * bpp, 1), formula=f"{params_b:g}e9 parameters x {bpp:g} bytes / 1e9 (weights only)")
    ppl = None
    if m and base and m is not base and m.perplexity_wikitext2 and base.perplexity_wikitext2:
        ppl = round(m.perplexity_wikitext2 - base.perplexity_wikitext2, 3)
    return PrecisionRow(
        precision=precision, num_gpus=m.num_gpus if m else None, parallel=m.parallel if m else None,
        measured=view(m) if m else None,
        delta_energy_vs_baseline=energy_delta(m, base) if m and base and m is not base else None,
        delta_throughput_vs_baseline=throughput_delta(m, base) if m and base and m is not base else None,
        weight_memory=memory, quality_caveat=CAVEATS.get(precision), perplexity_delta_vs_baseline=ppl,
        status="measured" if m else "not measured in this experiment",
    )
