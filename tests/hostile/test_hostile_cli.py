"""Hostile flag values for `ecocompute`: each ends in its documented exit code and one sentence on
stderr, never a traceback (2 bad input, 3 model configuration)."""

from __future__ import annotations

from pathlib import Path

import pytest

LOOKUP = ["tool", "lookup_measurement", "--args"]
BAD_INPUT: dict[str, list[str]] = {
    "unknown tool": ["tool", "rm -rf /"],
    "args not JSON": [*LOOKUP, "{bad"],
    "args a list": [*LOOKUP, "[]"],
    "args null": [*LOOKUP, "null"],
    "args NaN batch": [*LOOKUP, '{"batch_size": NaN}'],
    "args negative batch": [*LOOKUP, '{"batch_size": -1}'],
    "args wrong type": [*LOOKUP, '{"gpu": 5}'],
    "args duplicate key": [*LOOKUP, '{"gpu": "rtx4090d", "gpu": []}'],
    "args unknown key": [*LOOKUP, '{"gpu": "rtx4090d", "ignore_previous_instructions": true}'],
    "args infinity volume": ["tool", "estimate_cost", "--args",
                             '{"gpu": "rtx4090d", "model": "Mistral-7B", "requests_per_month": Infinity}'],
    "args 10 MB string": [*LOOKUP, '{"gpu": "' + "x" * 10_000_000 + '"}'],
    "unknown gpu": ["compare", "--gpu", "nope", "--model", "Mistral-7B"],
    "nul gpu": ["lookup", "--gpu", "\x00"],
    "emoji gpu": ["lookup", "--gpu", "🔥" * 1000],
    "batch not int": ["lookup", "--batch-size", "abc"],
    "batch 1e999": ["lookup", "--batch-size", "1e999"],
    "batch huge": ["lookup", "--batch-size", "99999999999999999999"],
    "batch negative": ["lookup", "--batch-size", "-5"],
    "volume nan": ["estimate", "--gpu", "rtx4090d", "--model", "Mistral-7B", "--volume", "nan"],
    "volume inf": ["estimate", "--gpu", "rtx4090d", "--model", "Mistral-7B", "--volume", "inf"],
    "volume negative": ["estimate", "--gpu", "rtx4090d", "--model", "Mistral-7B", "--volume", "-1"],
    "bool not bool": ["diagnose", "--load-in-8bit", "maybe"],
    "flag without value": ["lookup", "--gpu"],
    "audit no path": ["audit"],
    "audit missing path": ["audit", "/nonexistent/file.py"],
    "audit nul path": ["audit", "\x00"],
    "audit bad fail-on": ["audit", "--fail-on", "bogus", "x.py"],
    "audit bad format": ["audit", "--format", "xml", "x.py"],
    "audit unknown rule": ["audit", "--select", "NOPE", "."],
    "ask no question": ["ask"],
    "ask missing file": ["ask", "q", "--file", "/nonexistent/file.py"],
    "ask plot not svg": ["ask", "q", "--plot", "x.png"],
    "unknown command": ["nonexistent-command"],
    "unknown flag": ["--bogus"],
    "export bad target": ["export", "--format", "nope"],
}
MODEL_CONFIG: dict[str, list[str]] = {
    "unknown provider": ["ask", "q", "-m", "bogus:x"],
    "provider without model": ["ask", "q", "-m", "openai:"],
    "missing script": ["ask", "q", "-m", "scripted:/nonexistent/steps.json"],
}


@pytest.mark.parametrize("label", list(BAD_INPUT))
def test_bad_input_exits_2_with_one_sentence(cli, label: str) -> None:
    outcome = cli(*BAD_INPUT[label])
    assert outcome.code == 2, (outcome.code, outcome.err[-500:])
    outcome.assert_one_sentence()


@pytest.mark.parametrize("label", list(MODEL_CONFIG))
def test_model_configuration_errors_exit_3_with_one_sentence(cli, label: str) -> None:
    outcome = cli(*MODEL_CONFIG[label])
    assert outcome.code == 3, (outcome.code, outcome.err[-500:])
    outcome.assert_one_sentence()


def test_garbage_model_script_exits_3(cli, tmp_path: Path) -> None:
    script = tmp_path / "steps.json"
    script.write_text('[{"text": 5, "tool_calls": "nope"}]', encoding="utf-8")
    outcome = cli("ask", "q", "-m", f"scripted:{script}")
    assert outcome.code == 3
    outcome.assert_one_sentence()


@pytest.mark.parametrize("args", ["[" * 100_000 + "]" * 100_000,
                                  '{"gpu": ' + "[" * 100_000 + "]" * 100_000 + "}"])
def test_deeply_nested_json_args_exit_2(cli, args: str) -> None:
    outcome = cli(*LOOKUP, args)
    assert outcome.code == 2
    outcome.assert_one_sentence()


def test_valid_call_still_prints_json_after_hostile_ones(cli) -> None:
    cli(*LOOKUP, "{bad")
    outcome = cli(*LOOKUP, '{"gpu": "rtx4090d", "model": "Mistral-7B"}')
    assert outcome.code == 0 and outcome.err == ""
    assert outcome.out.lstrip().startswith("{")
