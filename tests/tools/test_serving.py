"""Serving coverage: every ML.ENERGY v3 configuration, parallelism, reruns, MoE sizes, cross-precision tables."""

import re

import pytest

from ecocompute.tools.compare import compare_precisions
from ecocompute.tools.dataset import load
from ecocompute.tools.lookup import lookup_measurement
from ecocompute.tools.names import checkpoint_precision, model_key
from ecocompute.tools.query import resolve
from ecocompute.tools.recommend import recommend_config

V3_MODELS = {"Llama-3.1-8B", "Llama-3.1-70B", "Llama-3.1-405B", "Llama-3.3-70B", "Llama-4-Scout-17B-16E",
             "Llama-4-Maverick-17B-128E", "Qwen3-8B", "Qwen3-14B", "Qwen3-32B", "Qwen3-30B-A3B", "Qwen3-235B-A22B",
             "Gemma-3-12B", "Gemma-3-27B", "DeepSeek-V3.1", "Nemotron-Nano-9B-v2", "Nemotron-Nano-12B-v2"}


def _v3():
    return [m for m in load().measurements if m.experiment.startswith("mlenergy-v3")]


def test_all_v3_configurations_load_and_pass_the_identity_check():
    rows = _v3()
    assert len(rows) == 328
    assert all(m.identity.startswith("ok") for m in rows)
    assert {m.model for m in rows} >= V3_MODELS
    assert all(m.role == "primary" for m in rows)


def test_existing_row_ids_keep_their_lines():
    ids = [m.row_id for m in load().measurements if m.engine == "vllm"]
    assert ids == [f"S{line:03d}" for line in range(2, 2 + len(ids))]


def test_parallelism_in_fields_matches_the_notes():
    appended = [m for m in _v3() if int(m.row_id[1:]) >= 196]
    assert appended
    for m in appended:
        tp, ep, dp = re.search(r"parallel=tp(\d+),ep(\d+),dp(\d+)", m.notes).groups()
        assert (m.tensor_parallel, m.expert_parallel, m.data_parallel) == (int(tp), int(ep), int(dp))
        assert m.parallel == f"TP{tp}, EP{ep}, DP{dp}"
        assert m.architecture and m.architecture in m.notes


def test_reruns_are_one_configuration_shown_as_mean_with_every_run():
    reruns = [m for m in load().measurements if m.repeat_total]
    assert len(reruns) == 4 and {m.repeat_index for m in reruns} == {1, 2}
    primary = load().primary()
    assert not any(m.row_id in {r.row_id for r in reruns} for m in primary), "a single run was kept on its own"
    means = [m for m in primary if m.runs]
    assert len(means) == 2
    for mean in means:
        runs = [load().row(r.row_id) for r in mean.runs]
        assert mean.row_id == "+".join(r.row_id for r in runs)
        assert mean.energy_j_per_1k_tok == pytest.approx(sum(r.energy_j_per_1k_tok for r in runs) / len(runs), rel=1e-6)
        values = [r.energy_j_per_1k_tok for r in runs]
        assert mean.spread_pct == pytest.approx((max(values) - min(values)) / min(values) * 100, abs=0.05)
        assert load().row(mean.row_id) == mean


def test_lookup_of_a_rerun_shows_both_values_and_the_spread():
    mean = next(m for m in load().primary() if m.runs)
    result = lookup_measurement(gpu=mean.gpu, model=mean.model, batch_size=mean.batch_size, engine="vllm")
    row = next(r for r in result.rows if r.row_id == mean.row_id)
    assert row.basis == "derived" and [r.row_id for r in row.runs] == [r.row_id for r in mean.runs]
    warning = next(w for w in result.warnings if w.startswith(mean.row_id))
    assert all(f"{r.energy_j_per_1k_tok:g}" in warning for r in mean.runs) and f"{mean.spread_pct:g}%" in warning


def test_serving_choice_never_picks_one_run_silently():
    mean = next(m for m in load().primary() if m.runs)
    result = recommend_config(gpu=mean.gpu, model=mean.model, engine="vllm", num_gpus=mean.num_gpus,
                              itl_deadline_ms=mean.p99_itl_ms + 0.01)
    assert result.expected is not None
    if result.expected.row_id == mean.row_id:
        assert result.expected.basis == "derived"
        why = result.reasons[0]
        assert why.kind == "deadline_choice"
        assert all(r.row_id in why.text and r.row_id in why.row_ids for r in mean.runs)
    assert not any(result.expected.row_id == r.row_id for r in mean.runs)


@pytest.mark.parametrize("text,name", [
    ("meta-llama/Llama-3.3-70B-Instruct", "Llama-3.3-70B"), ("Llama 4 Scout", "Llama-4-Scout-17B-16E"),
    ("llama 4 maverick", "Llama-4-Maverick-17B-128E"), ("Gemma 3 27B", "Gemma-3-27B"),
    ("google/gemma-3-12b-it", "Gemma-3-12B"), ("DeepSeek V3.1", "DeepSeek-V3.1"), ("405B FP8", "Llama-3.1-405B"),
    ("meta-llama/Llama-3.1-405B-Instruct-FP8", "Llama-3.1-405B"), ("Nemotron Nano 9B v2", "Nemotron-Nano-9B-v2"),
    ("Nemotron Nano 12B", "Nemotron-Nano-12B-v2"), ("Qwen/Qwen3-235B-A22B-Instruct-2507-FP8", "Qwen3-235B-A22B"),
    ("Qwen3 30B A3B", "Qwen3-30B-A3B")])
def test_new_model_spellings_resolve(text, name):
    assert model_key(text) == name


@pytest.mark.parametrize("text", ["DeepSeek-V3", "DeepSeek R1", "Mistral Large", "Llama-2-70B"])
def test_other_models_stay_unmeasured(text):
    assert model_key(text) is None


def test_the_checkpoint_decides_the_precision():
    assert checkpoint_precision("Llama-3.1-405B-Instruct-FP8") == "fp8"
    assert checkpoint_precision("Llama-3.1-405B-Instruct") is None
    assert resolve(model="405B FP8").precision == "fp8"
    assert resolve(model="405B FP8", precision="bf16").precision == "bf16"
    rows = lookup_measurement(gpu="b200", model="Llama-3.1-405B-Instruct-FP8", engine="vllm").rows
    assert rows and {r.precision for r in rows} == {"fp8"}


def test_llama_33_70b_on_h100_answers_from_the_new_rows():
    result = lookup_measurement(model="Llama-3.3-70B", gpu="h100", engine="vllm")
    assert result.basis == "measured" and result.rows
    assert all(int(r.row_id[1:]) >= 196 and r.num_gpus > 1 and r.parallel for r in result.rows)


def test_405b_precisions_compare_per_output_token_with_gpu_counts():
    result = compare_precisions(gpu="b200", model="Llama-3.1-405B", engine="vllm")
    (table,) = result.tables
    by_prec = {r.precision: r for r in table.rows}
    bf16, fp8 = by_prec["bf16"], by_prec["fp8"]
    assert bf16.measured.batch_size == fp8.measured.batch_size == result.batch_size
    assert bf16.num_gpus != fp8.num_gpus and bf16.measured.experiment == fp8.measured.experiment
    assert table.gpu_counts and f"{bf16.num_gpus}×B200" in table.gpu_counts and f"{fp8.num_gpus}×B200" in table.gpu_counts
    assert "half the GPUs" in table.gpu_counts
    expected = (fp8.measured.energy_j_per_1k_tok - bf16.measured.energy_j_per_1k_tok) / bf16.measured.energy_j_per_1k_tok * 100
    assert fp8.delta_energy_vs_baseline.pct == pytest.approx(expected, abs=0.05)


def test_405b_on_h100_says_why_there_is_no_bf16_baseline():
    result = compare_precisions(gpu="h100", model="Llama-3.1-405B", engine="vllm")
    assert {r.precision for r in result.tables[0].rows} == {"fp8"}
    assert any("No bf16 row" in w and "more than" in w for w in result.warnings)


def test_qwen3_235b_keeps_every_gpu_count_of_a_precision():
    result = compare_precisions(gpu="b200", model="Qwen3-235B-A22B", engine="vllm", batch_size=8)
    setups = {(r.precision, r.num_gpus) for r in result.tables[0].rows if r.measured}
    expected = {(m.precision, m.num_gpus) for m in load().primary()
                if m.model == "Qwen3-235B-A22B" and m.gpu == "b200" and m.batch_size == 8}
    assert setups == expected and len(expected) > 2
    assert all(r.parallel for r in result.tables[0].rows)


def test_moe_fit_uses_total_parameters_and_reports_active_ones():
    scout = next(m for m in load().measurements if m.model == "Llama-4-Scout-17B-16E")
    result = recommend_config(gpu="rtx4090", model="Llama 4 Scout")
    assert result.params_b == scout.params_b and result.activated_params_b == scout.activated_params_b
    assert result.precision is None and any("Does not fit" in w for w in result.warnings)
    assert any(r.kind == "mixture_of_experts" and "mixture of experts" in r.text for r in result.reasons)
