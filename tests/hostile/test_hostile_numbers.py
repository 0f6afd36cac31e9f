"""Hostile sizes and numbers: `0b`, `0m`, `foo-0b`, 400-digit sizes, non-finite results.

Before: `_by_size` divided by zero, a 400-digit size became `inf` (math domain error), and an infinite
result was printed as JSON with exit 0 while MCP dropped its structured content. Now a size token
must be a positive, plausible number, and `run_tool` (the edge every surface passes) refuses any
non-finite number in a result with one sentence.
"""

from __future__ import annotations

import math
from typing import Any

import anyio
import pytest
from hostile_helpers import run_cli
from mcp import Client
from pydantic import BaseModel

from ecocompute.examples import EXAMPLES
from ecocompute.mcp_server import build_server
from ecocompute.registry import TOOLS, ToolSpec, non_finite, run_tool
from ecocompute.tools.names import params_from_name

SIZES = ["0b", "0m", "foo-0b", "Foo-0.0B", "bar-0m", "x-" + "1" * 400 + "b", "y-" + "9" * 400 + "m", "0_0b",
         "1e999b", "model-" + "1" * 5000 + "b"]
# Every tool that takes a model, with its example arguments (skill/examples.py) and the model left to the test.
SIZED_TOOLS = {name: {k: v for k, v in args.items() if k != "model"} for name, args in EXAMPLES.items() if "model" in args}


@pytest.mark.parametrize("token", SIZES)
def test_a_zero_or_absurd_size_token_names_no_size(token: str) -> None:
    assert params_from_name(token) is None


@pytest.mark.parametrize("token", ["7b", "1.5B", "opt-1.3b", "125m", "Llama-3-70B", "1_1b"])
def test_ordinary_size_tokens_still_parse(token: str) -> None:
    size = params_from_name(token)
    assert size is not None and 0 < size < 1000


@pytest.mark.parametrize("tool", list(SIZED_TOOLS))
@pytest.mark.parametrize("token", SIZES)
def test_tools_with_a_hostile_size_give_a_finite_result_or_one_sentence(tool: str, token: str) -> None:
    outcome = run_tool(tool, {**SIZED_TOOLS[tool], "model": token})
    if outcome.is_error:
        assert outcome.error and "\n" not in outcome.error
    else:
        assert non_finite(outcome.content) is None


@pytest.mark.parametrize("token", ["0b", "foo-0b", "x-" + "1" * 400 + "b"])
def test_cli_estimate_with_a_hostile_size_exits_2(cli, token: str) -> None:
    outcome = cli("estimate", "--gpu", "rtx4090d", "--model", token, "--volume", "1000")
    assert outcome.code == 2, (outcome.code, outcome.out[-300:], outcome.err[-300:])
    outcome.assert_one_sentence()


@pytest.mark.parametrize("question", [
    "What would a 0b model cost per month on an RTX 4090D at 1000 requests a month?",
    "Estimate foo-0b on rtx4090d, 10000 requests per month.",
    "How much energy does a " + "1" * 400 + "B model use on the A800?",
])
def test_ask_with_a_hostile_size_never_prints_infinity(question: str) -> None:
    outcome = run_cli("ask", question, "--json", timeout=90)
    assert outcome.code in (0, 1), outcome.err[-1000:]
    assert "Traceback" not in outcome.err
    assert "Infinity" not in outcome.out and "NaN" not in outcome.out


class _Odd(BaseModel):
    value: float
    values: list[float]


def _returning(value: float):
    def call(self: ToolSpec, arguments: Any) -> BaseModel:
        return _Odd(value=1.0, values=[2.0, value])
    return call


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_a_non_finite_result_is_an_error_at_the_registry_edge(monkeypatch, value: float) -> None:
    monkeypatch.setattr(ToolSpec, "call", _returning(value))
    outcome = run_tool("lookup_measurement", {"gpu": "rtx4090d"})
    assert outcome.is_error and "result.values[1]" in (outcome.error or "")


def test_a_non_finite_result_is_not_printed_with_exit_0(monkeypatch, cli) -> None:
    monkeypatch.setattr(ToolSpec, "call", _returning(math.inf))
    outcome = cli("tool", "lookup_measurement", "--args", '{"gpu": "rtx4090d"}')
    assert outcome.code == 2 and "Infinity" not in outcome.out
    outcome.assert_one_sentence()


def test_mcp_reports_a_non_finite_result_as_an_error(monkeypatch) -> None:
    monkeypatch.setattr(ToolSpec, "call", _returning(math.nan))

    async def main() -> Any:
        async with Client(build_server(list(TOOLS))) as client:
            return await client.call_tool("lookup_measurement", {"gpu": "rtx4090d"})

    result = anyio.run(main)
    assert result.is_error and "finite" in result.content[0].text
