"""Graders compare tool calls by meaning: an expectation in an earlier spelling of a tool's arguments and
a call in the current spelling (or the reverse) are the same call; defaults count as given."""

from __future__ import annotations

from typing import Any

import pytest

from ecocompute.evalkit.graders import by_meaning, call_matches
from ecocompute.evalkit.schema import ToolExpectation
from ecocompute.messages import ToolCall

BASE = {"gpu": "a800", "model": "Mistral-7B"}


def _call(arguments: dict[str, Any], name: str = "estimate_cost") -> ToolCall:
    return ToolCall(id="c1", name=name, arguments=arguments)


def _expect(args: dict[str, Any], name: str | list[str] = "estimate_cost") -> ToolExpectation:
    return ToolExpectation(name=name, args=args)


@pytest.mark.parametrize(("call", "expected", "same"), [
    ({**BASE, "volume": 500_000, "volume_unit": "requests_per_month"}, {"requests_per_month": 500_000}, True),
    ({**BASE, "volume": 500_000}, {"requests_per_month": 500_000}, True),  # the unit's default
    ({**BASE, "volume": 500_000, "volume_unit": "requests_per_day"}, {"requests_per_month": 500_000}, False),
    ({**BASE, "volume": 400_000, "volume_unit": "requests_per_month"}, {"requests_per_month": 500_000}, False),
    ({**BASE, "requests_per_day": 20_000}, {"volume": 20_000, "volume_unit": "requests_per_day"}, True),  # old call
    ({**BASE, "volume": 3e6, "volume_unit": "tokens_total", "region": "DEU"},
     {"tokens_total": 3_000_000, "region": "germany|DEU"}, True),  # patterns still apply
    ({**BASE, "volume": -500}, {"requests_per_month": -500}, True),  # an invalid call is still compared
])
def test_an_earlier_spelling_is_the_same_call(call: dict[str, Any], expected: dict[str, Any], same: bool) -> None:
    assert call_matches(_call(call), _expect(expected)) is same


def test_the_expectation_is_read_for_the_tool_actually_called() -> None:
    expected = _expect({"gpu": "a800", "requests_per_month": 1000}, name=["estimate_cost", "lookup_measurement"])
    assert call_matches(_call({**BASE, "volume": 1000}), expected)
    assert not call_matches(_call(BASE, name="lookup_measurement"), expected)


def test_by_meaning_rewrites_an_expectation_without_validating_it() -> None:
    assert by_meaning("estimate_cost", {"requests_per_year": "1.2e7|12000000"}, complete=False) == {
        "volume": "1.2e7|12000000", "volume_unit": "requests_per_year"}
    assert by_meaning("no_such_tool", {"x": 1}, complete=True) == {"x": 1}
    filled = by_meaning("estimate_cost", {**BASE, "volume": 10}, complete=True)
    assert filled["volume_unit"] == "requests_per_month" and filled["use_case"] == "api"
