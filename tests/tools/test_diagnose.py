from ecocompute.tools.diagnose import diagnose


def test_default_int8_is_diagnosed_with_fix_and_expected_gain():
    res = diagnose(gpu="rtx4090d", model="Mistral-7B", load_in_8bit=True)
    assert res.primary_pattern == "int8_decomposition" and res.effective_precision == "int8_default"
    f = res.findings[0]
    assert "llm_int8_threshold=0.0" in f.fix and f.expected_improvement
    assert all(d.pct < 0 for d in f.expected_improvement)
    assert "accuracy" in f.evidence


def test_threshold_zero_is_not_the_decomposition_pattern():
    res = diagnose(gpu="rtx4090d", model="Yi-1.5-6B", load_in_8bit=True, llm_int8_threshold=0.0)
    assert "int8_decomposition" not in {f.pattern for f in res.findings}
    assert res.warnings and "accuracy" in res.warnings[0].lower()


def test_small_model_nf4_and_batch_one_and_power():
    res = diagnose(gpu="rtx5090", model="Qwen2-1.5B", load_in_4bit=True, batch_size=1, use_case="api",
                   observed_power_w=130, observed_tokens_per_s=40)
    patterns = {f.pattern for f in res.findings}
    assert {"small_model_nf4", "batch_one_in_production", "power_not_energy"} <= patterns
    assert res.observed.energy_j_per_1k_tok == round(130 / 40 * 1000, 1)


def test_nothing_known_is_none():
    assert diagnose().primary_pattern == "none"
