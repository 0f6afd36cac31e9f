"""estimate_cost volumes and periods: any stated volume, per-day / per-year / per-request figures, one-off totals,
and the saving of a named switch. Expectations are relations between tool results, never typed-in figures."""

from __future__ import annotations

import pytest

from ecocompute.registry import get_tool, run_tool
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.estimate import DEFAULT_PUE, estimate_cost
from ecocompute.tools.volume import VOLUME_ARGS, legacy_arguments

BASE = {"gpu": "a800", "model": "Mistral-7B", "precision": "fp16", "tokens_per_request": 200}


def test_a_token_volume_is_the_same_estimate_as_the_request_volume_it_implies() -> None:
    by_tokens = estimate_cost(**BASE, volume=2_000_000, volume_unit="tokens_per_day")
    by_requests = estimate_cost(**BASE, volume=10_000, volume_unit="requests_per_day")
    assert by_tokens.current.kwh_per_month == by_requests.current.kwh_per_month


@pytest.mark.parametrize("where", [
    {"gpu": "h100", "model": "Llama-3.1-8B", "engine": "vllm"},  # serving: rows hold a measured energy per request
    {"gpu": "a800", "model": "Mistral-7B"},  # transformers: energy per token only
])
def test_a_token_volume_without_tokens_per_request_follows_the_tokens(where: dict[str, str]) -> None:
    """Whatever tokens per request is assumed to count requests, the energy is tokens x energy per token."""
    result = estimate_cost(**where, volume=3_000_000, volume_unit="tokens_per_day")
    est, pue = result.current, result.inputs["pue"]
    per_token = est.energy_j_per_1k_tok
    assert est.energy_j_per_request_basis == "derived" and per_token is not None and est.kwh_per_month is not None
    assert est.kwh_per_month == pytest.approx(3_000_000 * 30 * per_token / 1000 * pue / 3.6e6, rel=2e-3)


def test_per_year_and_per_day_come_from_the_monthly_figures() -> None:
    est = estimate_cost(**BASE, volume=12_000_000, volume_unit="requests_per_year").current
    assert est.kwh_per_month is not None and est.kwh_per_year == pytest.approx(est.kwh_per_month * 12, rel=1e-3)
    assert est.kwh_per_day == pytest.approx(est.kwh_per_month / 30, rel=1e-3)
    assert est.g_co2_per_request is not None and est.g_co2_per_request > 0


def test_a_one_off_job_gets_totals_not_monthly_figures() -> None:
    result = estimate_cost(**BASE, volume=50_000, volume_unit="requests_total")
    monthly = estimate_cost(**BASE, volume=50_000)
    assert result.inputs["period"] == "total" and result.current.kwh_per_month is None
    assert result.current.kwh_total == monthly.current.kwh_per_month


def test_exactly_one_volume() -> None:
    with pytest.raises(ToolInputError, match="Give the volume"):
        estimate_cost(**BASE)
    with pytest.raises(ToolInputError, match="exactly one volume"):
        legacy_arguments({**BASE, "requests_per_day": 1000, "tokens_per_month": 10_000})
    with pytest.raises(ToolInputError, match="exactly one volume"):
        legacy_arguments({**BASE, "volume": 5, "tokens_per_month": 10_000})


@pytest.mark.parametrize("unit", VOLUME_ARGS)
def test_the_earlier_flat_spelling_is_the_same_call(unit: str) -> None:
    """`requests_per_day: N` (one argument per unit, before the volume was grouped) is `volume: N, volume_unit: ...`."""
    old = run_tool("estimate_cost", {**BASE, unit: 40_000})
    new = run_tool("estimate_cost", {**BASE, "volume": 40_000, "volume_unit": unit})
    assert not new.is_error and old.content == new.content
    assert get_tool("estimate_cost").normalise({unit: 40_000}) == {"volume": 40_000, "volume_unit": unit}


def test_on_premises_was_its_pue_default() -> None:
    old = run_tool("estimate_cost", {**BASE, "volume": 1000, "deployment": "on_premises"})
    assert not old.is_error and old.content["inputs"]["pue"] == DEFAULT_PUE["on_premises"]
    assert old.content == run_tool("estimate_cost", {**BASE, "volume": 1000, "pue": DEFAULT_PUE["on_premises"]}).content


def test_the_named_switch_is_compared_not_the_recommendation() -> None:
    result = estimate_cost(**{**BASE, "precision": "int8_default"}, volume=1_000_000, target_precision="fp16")
    assert result.optimised is not None and result.optimised.precision == "fp16" and result.current.precision == "int8_default"
