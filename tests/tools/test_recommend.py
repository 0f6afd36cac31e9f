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
        assert any(r.kind == "rule_overridden" and "data wins" in r.text for r in res.reasons)
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


STRUCTURED = [dict(gpu="a800", model="Mistral-7B", use_case="interactive"), dict(gpu="a800", model="Mistral-7B", use_case="batch"),
              dict(gpu="h100", model="Llama-3.1-8B", engine="vllm", itl_deadline_ms=50),
              dict(gpu="h100", model="Llama-3.1-8B", engine="vllm", itl_deadline_ms=1),
              dict(gpu="b200", model="Llama-3.1-405B", use_case="interactive"), dict(gpu="rtx4090", model="Foo-13B")]


def test_reasons_are_structured_items_citing_their_rows_and_figures():
    kinds = set()
    for kwargs in STRUCTURED:
        res = recommend_config(**kwargs)
        for reason in res.reasons:
            kinds.add(reason.kind)
            assert reason.text and set(reason.row_ids) <= set(ROWS), reason
            for fig in reason.figures:  # every figure a reason carries is the one its words state
                assert f"{fig.value:g}" in reason.text or f"{fig.value:+.1f}" in reason.text, (fig, reason.text)
            if reason.kind in ("lowest_energy", "precision_delta", "latency", "tighter_deadline", "other_setups"):
                assert reason.row_ids and all(r in reason.text for r in reason.row_ids), reason
    assert kinds >= {"lowest_energy", "precision_delta", "rule_overridden", "deadline_choice", "tighter_deadline", "latency",
                     "other_setups", "assumed_deadline", "size_class", "batch_size"}


def test_a_precision_delta_reason_carries_the_derived_figure_and_both_rows():
    res = recommend_config(gpu="a800", model="Mistral-7B", use_case="interactive")
    delta = next(r for r in res.reasons if r.kind == "precision_delta")
    new, base = (ROWS[r] for r in delta.row_ids)
    assert base.precision == "fp16" and new.experiment == base.experiment and new.batch_size == base.batch_size
    (fig,) = delta.figures
    assert fig.basis == "derived" and fig.unit == "%"
    assert fig.value == pytest.approx((new.energy_j_per_1k_tok - base.energy_j_per_1k_tok) / base.energy_j_per_1k_tok * 100, abs=0.05)
