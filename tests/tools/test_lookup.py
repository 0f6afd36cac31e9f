from ecocompute.registry import run_tool
from ecocompute.tools.dataset import load
from ecocompute.tools.lookup import lookup_measurement


def test_lookup_returns_primary_rows_with_provenance():
    res = lookup_measurement(gpu="rtx4090d", model="Mistral-7B")
    assert res.basis == "measured" and res.rows
    rows = {m.row_id: m for m in load().measurements}
    for row in res.rows:
        src = rows[row.row_id]
        assert src.role == "primary" and src.gpu == "rtx4090d" and src.model == "Mistral-7B"
        assert row.energy_j_per_1k_tok == src.energy_j_per_1k_tok and row.source.commit == src.source.commit


def test_conflicting_sources_are_listed_for_phi3_on_4090d():
    res = lookup_measurement(gpu="4090d", model="phi-3-mini", precision="nf4")
    assert res.conflicts, "paradox_data.md disagrees with the memo for this configuration"
    prim = res.rows[0]
    for c in res.conflicts:
        assert c.differs_from == prim.row_id
        assert c.energy_ratio_to_primary == round(c.row.energy_j_per_1k_tok / prim.energy_j_per_1k_tok, 3)


def test_outside_the_data_is_unavailable_with_coverage():
    res = lookup_measurement(gpu="h100", model="Mistral-7B", engine="transformers")
    assert res.basis == "unavailable" and not res.rows
    assert "a800" in res.covered["gpus measured for the other filters"]


def test_unknown_sized_model_is_unavailable_not_invented():
    res = lookup_measurement(model="meta-llama/Llama-2-13b-hf")
    assert res.basis == "unavailable" and res.rows == []
    assert any("not in the measured data" in w for w in res.warnings)


def test_no_filter_is_an_input_error():
    out = run_tool("lookup_measurement", {})
    assert out.is_error and "at least one" in out.error


def test_engine_filter_keeps_regimes_apart():
    res = lookup_measurement(gpu="h100", model="Llama-3.1-8B", engine="vllm")
    assert res.rows and all(r.engine == "vllm" and r.regime == "serving_steady_state" for r in res.rows)


def test_batch_deltas_are_within_one_experiment():
    rows = {m.row_id: m for m in load().measurements}
    res = lookup_measurement(gpu="a800", model="Mistral-7B", precision="int8_pure")
    assert res.vs_smallest_batch
    for d in res.vs_smallest_batch:
        new, base = (rows[r] for r in d.row_ids)
        assert new.experiment == base.experiment and base.batch_size < new.batch_size
        assert d.pct == round((new.energy_j_per_1k_tok - base.energy_j_per_1k_tok) / base.energy_j_per_1k_tok * 100, 1)
