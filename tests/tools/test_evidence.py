"""The headline claims are re-derived from paired rows, never copied."""

from ecocompute.tools import evidence
from ecocompute.tools.common import pct_change
from ecocompute.tools.dataset import load

ROWS = {m.row_id: m for m in load().measurements}


def _check(ev):
    for c in ev.comparisons:
        new, base = ROWS[c.new_row], ROWS[c.base_row]
        assert new.experiment == base.experiment and new.energy_basis == base.energy_basis
        assert c.pct == pct_change(new.energy_j_per_1k_tok, base.energy_j_per_1k_tok)
    assert ev.low_pct == min(c.pct for c in ev.comparisons) and ev.high_pct == max(c.pct for c in ev.comparisons)


def test_default_int8_costs_more_than_fp16_everywhere_measured():
    ev = evidence.int8_default_penalty()
    _check(ev)
    assert ev.low_pct > 0


def test_pure_int8_recovers_energy_vs_default_and_states_the_accuracy_cost():
    ev = evidence.int8_pure_effect()
    _check(ev)
    assert ev.high_pct < 0
    assert "accuracy" in ev.claim


def test_pure_int8_on_a800_costs_more_than_fp16_in_every_table():
    a800 = [c for c in evidence.int8_pure_vs_fp16().comparisons if c.gpu == "a800"]
    assert a800 and all(c.pct > 0 for c in a800)


def test_nf4_small_models_mostly_cost_more_and_large_models_save():
    small, large = evidence.nf4_small_model_penalty(), evidence.nf4_large_model_effect()
    _check(small), _check(large)
    assert sum(c.pct > 0 for c in small.comparisons) > len(small.comparisons) / 2
    assert large.low_pct < 0
    assert all(ROWS[c.new_row].params_b <= 3 for c in small.comparisons)


def test_batch_gain_comes_from_the_raw_sweep_not_the_guide():
    ev = evidence.batch_size_gain()
    _check(ev)
    sweep = [c for c in ev.comparisons if c.experiment.startswith("a800-int8-batch-sweep")]
    assert sweep and all(ROWS[c.new_row].role == "primary" for c in sweep)
    # batch 1 -> 8 on the sweep, from the same rows (the published prose overstated it)
    one, eight = (next(m for m in load().primary() if m.experiment == sweep[0].experiment and m.batch_size == b) for b in (1, 8))
    assert pct_change(eight.energy_j_per_1k_tok, one.energy_j_per_1k_tok) > -87.5


def test_lower_power_is_not_lower_energy():
    ev = evidence.power_vs_energy()
    for c in ev.comparisons:
        assert ROWS[c.new_row].power_w < ROWS[c.base_row].power_w
        assert ROWS[c.new_row].energy_j_per_1k_tok > ROWS[c.base_row].energy_j_per_1k_tok


def test_the_paradoxes_a_row_shows_follow_from_its_pair():
    for ev, kind in ((evidence.int8_default_penalty(), "int8"), (evidence.power_vs_energy(), "power")):
        assert ev.comparisons
        for c in ev.comparisons:
            new, base = ROWS[c.new_row], ROWS[c.base_row]
            assert kind in evidence.row_paradoxes(new.precision, c.pct, new.power_w, base.power_w)
    for c in evidence.nf4_large_model_effect().comparisons:
        new, base = ROWS[c.new_row], ROWS[c.base_row]
        assert ("nf4" in evidence.row_paradoxes(new.precision, c.pct, new.power_w, base.power_w)) == (c.pct > 0)
    assert evidence.row_paradoxes("int8_default", -1.0, 1.0, 2.0) == []


def test_every_paradox_has_a_title_and_the_summary_uses_them():
    from typing import get_args

    assert set(evidence.TITLES) == set(get_args(evidence.Paradox))
    titles = [title for title, _ in evidence.SUMMARY]
    assert {evidence.TITLES["int8"], evidence.TITLES["batch"], evidence.TITLES["power"]} <= set(titles)
