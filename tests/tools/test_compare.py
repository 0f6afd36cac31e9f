import pytest

from ecocompute.tools.common import pct_change
from ecocompute.tools.compare import compare_precisions
from ecocompute.tools.dataset import load
from ecocompute.tools.errors import ToolInputError

ROWS = {m.row_id: m for m in load().measurements}


def test_small_model_nf4_penalty_on_rtx5090_comes_from_one_experiment():
    res = compare_precisions(gpu="rtx5090", model="Qwen2-1.5B")
    assert res.basis == "measured" and len(res.tables) == 1
    table = res.tables[0]
    base = ROWS[table.baseline]
    nf4 = next(r for r in table.rows if r.precision == "nf4")
    assert nf4.measured.experiment == base.experiment
    assert nf4.delta_energy_vs_baseline.pct == pct_change(nf4.measured.energy_j_per_1k_tok, base.energy_j_per_1k_tok) > 0
    missing = [r for r in table.rows if r.measured is None]
    assert {r.precision for r in missing} == {"int8_default", "int8_pure"}
    assert all(r.status.startswith("not measured") for r in missing)


def test_each_experiment_gets_its_own_table():
    res = compare_precisions(gpu="a800", model="Mistral-7B")
    exps = [t.experiment for t in res.tables]
    assert len(exps) == len(set(exps)) > 1
    for t in res.tables:
        assert all(r.measured is None or r.measured.experiment == t.experiment for r in t.rows)
    assert any("experiments" in w for w in res.warnings)


def test_weight_memory_and_int8_pure_caveat():
    res = compare_precisions(gpu="rtx4090d", model="Mistral-7B")
    rows = {r.precision: r for r in res.tables[0].rows}
    assert rows["nf4"].weight_memory.gb < rows["int8_pure"].weight_memory.gb < rows["fp16"].weight_memory.gb
    assert "accuracy" in rows["int8_pure"].quality_caveat


def test_vllm_precisions_use_bf16_baseline():
    res = compare_precisions(gpu="h100", model="Qwen3-235B-A22B", batch_size=8)
    t = res.tables[0]
    assert ROWS[t.baseline].precision == "bf16"
    fp8 = next(r for r in t.rows if r.precision == "fp8")
    assert fp8.delta_energy_vs_baseline is not None


def test_unmeasured_batch_size_is_an_input_error_listing_measured_ones():
    with pytest.raises(ToolInputError, match="measured batch sizes"):
        compare_precisions(gpu="a800", model="Mistral-7B", batch_size=3)


def test_gpu_without_rows_is_unavailable():
    res = compare_precisions(gpu="h100", model="Mistral-7B", engine="transformers")
    assert res.basis == "unavailable" and res.covered
