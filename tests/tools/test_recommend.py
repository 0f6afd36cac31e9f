import pytest

from ecocompute.tools.dataset import load
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.recommend import recommend_config

ROWS = {m.row_id: m for m in load().measurements}


def test_small_model_gets_fp16_and_the_rule_agrees_with_data():
    res = recommend_config(gpu="rtx5090", model="Qwen2-1.5B", use_case="interactive")
    assert res.precision == "fp16" and res.batch_size == 1 and res.basis == "measured"
    assert res.rule_checks[0].verdict == "data agrees"


def test_7b_on_24gb_gets_nf4_and_never_default_int8():
    res = recommend_config(gpu="rtx4090d", model="mistralai/Mistral-7B-Instruct-v0.2")
    assert res.precision == "nf4"
    assert any("load_in_8bit=True with the default threshold" in w for w in res.warnings)


def test_data_overrides_rule_and_says_so():
    res = recommend_config(gpu="a800", model="Mistral-7B", use_case="batch")
    check = res.rule_checks[0]
    if check.says != check.data_says:
        assert check.verdict == "data overrides the rule"
        assert any("data wins" in r for r in res.reasons)
    assert res.batch_size > 1


def test_model_that_does_not_fit_is_said():
    res = recommend_config(gpu="rtx4090d", params_b=70)
    assert res.precision is None and res.basis == "unavailable" and any("Does not fit" in w for w in res.warnings)


def test_unmeasured_model_is_extrapolated_by_size_class():
    res = recommend_config(gpu="rtx4090d", model="Llama-2-13B")
    assert res.basis == "extrapolated" and res.row_ids


def test_latency_deadline_picks_lowest_energy_setting_that_meets_it():
    res = recommend_config(gpu="h100", model="Llama-3.1-8B", engine="vllm", itl_deadline_ms=50, latency_metric="p99")
    chosen = ROWS[res.serving.chosen.row_id]
    assert chosen.p99_itl_ms <= 50
    sweep = [ROWS[r] for r in res.row_ids]
    meeting = [m for m in sweep if m.p99_itl_ms is not None and m.p99_itl_ms <= 50]
    assert chosen.energy_j_per_1k_tok == min(m.energy_j_per_1k_tok for m in meeting)


def test_impossible_deadline_is_said_not_rounded():
    res = recommend_config(gpu="h100", model="Llama-3.1-70B", itl_deadline_ms=1)
    assert res.batch_size is None and not res.serving.meets_deadline and "No measured" in res.serving.explanation


def test_needs_model_or_size():
    with pytest.raises(ToolInputError):
        recommend_config(gpu="a800")
