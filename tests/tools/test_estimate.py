import math

import pytest

from ecocompute.registry import run_tool
from ecocompute.tools.dataset import load
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.estimate import DEFAULT_PUE, estimate_cost

ROWS = {m.row_id: m for m in load().measurements}


def test_formula_reproduces_from_the_measured_row():
    res = estimate_cost(gpu="rtx4090d", model="Mistral-7B", precision="int8", volume=1_000_000)
    cur = res.current
    row = ROWS[cur.row_ids[0]]
    assert cur.basis == "measured" and row.precision == "int8_default"
    kwh = row.energy_j_per_1k_tok * 256 / 1000 * 1_000_000 * DEFAULT_PUE["cloud"] / 3.6e6
    assert math.isclose(cur.kwh_per_month, kwh, rel_tol=1e-3)
    region = load().regions["us"]
    assert math.isclose(cur.cost_usd_per_month, kwh * region.usd_per_kwh, rel_tol=1e-3)
    assert math.isclose(cur.kg_co2_per_month, kwh * region.grid_gco2_per_kwh / 1000, rel_tol=1e-3)
    assert res.optimised is not None and res.optimised.precision != "int8_default"
    assert res.savings.kwh_per_month > 0


def test_overrides_and_per_day_volume():
    res = estimate_cost(gpu="a800", model="Mistral-7B", precision="fp16", batch_size=8, volume=1000, volume_unit="requests_per_day",
                        usd_per_kwh=0.5, grid_gco2_per_kwh=100, pue=1.5)
    assert res.inputs["requests_per_month"] == 30000 and res.inputs["pue"] == 1.5
    c = res.current
    assert math.isclose(c.cost_usd_per_month, c.kwh_per_month * 0.5, rel_tol=1e-3)


def test_batch_between_measured_points_is_interpolated_within_one_experiment():
    res = estimate_cost(gpu="a800", model="Mistral-7B", precision="int8_pure", batch_size=12, volume=1e5)
    c = res.current
    assert c.basis == "interpolated"
    a, b = (ROWS[r] for r in c.row_ids)
    assert a.experiment == b.experiment and b.energy_j_per_1k_tok < c.energy_j_per_1k_tok < a.energy_j_per_1k_tok


def test_unmeasured_model_is_extrapolated_with_anchor_and_range():
    res = estimate_cost(gpu="rtx4090d", model="llama-2-13b", volume=1e5)
    c = res.current
    assert c.basis == "extrapolated" and c.energy_j_per_1k_tok_range is not None and "scaled from" in c.how


def test_gpu_outside_the_engine_is_unavailable():
    res = estimate_cost(gpu="h100", model="Mistral-7B", engine="transformers", volume=1e5)
    assert res.current.basis == "unavailable" and res.current.kwh_per_month is None


def test_serving_rows_use_energy_per_output_token():
    res = estimate_cost(gpu="h100", model="Llama-3.1-8B", batch_size=128, tokens_per_request=500, volume=1e6)
    row = ROWS[res.current.row_ids[0]]
    assert row.engine == "vllm"
    assert math.isclose(res.current.energy_j_per_request, row.energy_j_per_1k_tok * 500 / 1000, rel_tol=1e-3)


def test_exactly_one_volume_is_required():
    with pytest.raises(ToolInputError):
        estimate_cost(gpu="a800", model="Mistral-7B")
    two = run_tool("estimate_cost", {"gpu": "a800", "model": "Mistral-7B", "requests_per_month": 1, "requests_per_day": 1})
    assert two.failure is not None and two.failure.code == "conflicting_arguments"


def test_region_without_price_says_so():
    res = estimate_cost(gpu="a800", model="Mistral-7B", volume=1e5, region="france")
    assert res.current.cost_usd_per_month is None and any("usd_per_kwh" in w for w in res.warnings)


def test_estimates_name_their_regime_and_only_default_tokens_are_assumptions():
    res = estimate_cost(gpu="h100", model="Llama-3.1-8B", batch_size=128, tokens_per_request=256, volume=1e6)
    assert res.current.engine_version and res.current.regime == "serving_steady_state"
    assert not any("tokens per request" in a for a in res.assumptions)
    res = estimate_cost(gpu="h100", model="Llama-3.1-8B", batch_size=128, volume=1e6)
    assert any("tokens per request" in a for a in res.assumptions)


@pytest.mark.parametrize("region", ["Germany", "DE", "DEU", "德国", "gcp:europe-west4", "europe-west4", "World"])
def test_a_location_states_its_row_basis_and_intensity_and_the_co2_uses_it(region):
    res = estimate_cost(gpu="rtx4090d", model="Mistral-7B", volume=1e6, region=region)
    place = res.location
    assert place.row and place.intensity_basis and place.grid_gco2_per_kwh is not None and place.grid_source
    assert res.inputs["grid_gco2_per_kwh"] == place.grid_gco2_per_kwh and res.inputs["region"] == region
    kwh = res.current.kwh_per_month
    assert math.isclose(res.current.kg_co2_per_month, kwh * place.grid_gco2_per_kwh / 1000, rel_tol=1e-3)


def test_a_country_without_a_price_gives_kwh_and_co2_and_says_the_cost_needs_a_price():
    res = estimate_cost(gpu="rtx4090d", model="Mistral-7B", volume=1e6, region="Japan")
    assert res.current.cost_usd_per_month is None and res.current.kg_co2_per_month is not None
    assert any("cost needs a price" in w and "usd_per_kwh" in w for w in res.warnings)
    priced = estimate_cost(gpu="rtx4090d", model="Mistral-7B", volume=1e6, region="Japan", usd_per_kwh=0.2)
    assert math.isclose(priced.current.cost_usd_per_month, priced.current.kwh_per_month * 0.2, rel_tol=1e-3)
    assert priced.location.price_source == "user"


def test_an_unknown_location_is_an_error_not_the_us_default():
    with pytest.raises(ToolInputError, match="Did you mean 'Germany'"):
        estimate_cost(gpu="rtx4090d", model="Mistral-7B", volume=1e6, region="Germny")


def test_the_two_bases_give_two_answers_each_from_one_column():
    kw = {"gpu": "a800", "model": "Mistral-7B", "volume": 1e6, "region": "FRA"}
    cc, eco = estimate_cost(**kw, grid_basis="codecarbon"), estimate_cost(**kw, grid_basis="ecologits")
    assert cc.current.kwh_per_month == eco.current.kwh_per_month
    assert cc.location.grid_gco2_per_kwh != eco.location.grid_gco2_per_kwh
    assert cc.inputs["grid_source"] != eco.inputs["grid_source"]


def test_no_location_is_the_default_region_and_is_an_assumption():
    res = estimate_cost(gpu="a800", model="Mistral-7B", volume=1e5)
    assert res.location.kind == "default" and any(a.startswith("No location given") for a in res.assumptions)
