"""A hostile model at our seam (the scripted model): endless tool calls, unknown tools, malformed
arguments, empty answers. The loop ends each in a clear outcome; the CLI exits 3 with one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile_helpers import run_cli

from ecocompute.examples import EXAMPLES
from ecocompute.loop import run_agent
from ecocompute.messages import ModelError, Reply, ToolCall
from ecocompute.providers.scripted import ScriptedModel, step

LOOKUP = ("lookup_measurement", EXAMPLES["lookup_measurement"])


def _forever(n: int = 50) -> list[Reply]:
    return [step("", LOOKUP) for _ in range(n)]


def test_a_model_that_calls_tools_forever_hits_the_turn_limit() -> None:
    model = ScriptedModel(_forever())
    with pytest.raises(ModelError) as info:
        run_agent(model, "q", system="", max_turns=5)
    error = info.value
    assert error.kind == "turn_limit" and "\n" not in error.message and "5" in error.message
    assert len(model.requests) == 5
    assert error.transcript is not None and len(error.transcript.tool_runs) == 5  # nothing lost


def test_unknown_tool_comes_back_as_an_error_the_model_can_correct() -> None:
    model = ScriptedModel([step("", ("delete_everything", {"path": "/"}), LOOKUP), step("Answer.")])
    transcript = run_agent(model, "q", system="")
    unknown, good = transcript.tool_runs
    assert unknown.result.is_error and "delete_everything" in unknown.result.content
    assert "lookup_measurement" in unknown.result.content  # lists the tools it may call
    assert not good.result.is_error
    sent_back = model.requests[1][1][-1].tool_results
    assert [r.call_id for r in sent_back] == ["call_1", "call_2"]
    assert transcript.answer == "Answer."


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"a string"', "null", "{" * 10_000, "\x00"])
def test_malformed_json_arguments_come_back_as_errors(raw: str) -> None:
    call = ToolCall.from_raw("c1", "lookup_measurement", raw)
    model = ScriptedModel([Reply(tool_calls=[call]), step("Answer.")])
    transcript = run_agent(model, "q", system="")
    (run,) = transcript.tool_runs
    assert run.result.is_error, run.result.content
    assert "JSON" in run.result.content
    assert transcript.answer == "Answer."


def test_wrongly_typed_arguments_come_back_as_errors() -> None:
    model = ScriptedModel([step("", ("lookup_measurement", {"batch_size": "many", "gpu": ["x"]})),
                           step("Answer.")])
    (run,) = run_agent(model, "q", system="").tool_runs
    assert run.result.is_error and "Invalid arguments" in run.result.content


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_answer_is_a_model_error(text: str) -> None:
    with pytest.raises(ModelError) as info:
        run_agent(ScriptedModel([step(text)]), "q", system="")
    assert info.value.kind == "empty_answer" and "\n" not in info.value.message


def test_a_model_error_mid_conversation_keeps_the_transcript() -> None:
    failure = ModelError("The model server at loopback failed (HTTP 500).", kind="server")
    model = ScriptedModel([step("", LOOKUP), failure])
    with pytest.raises(ModelError) as info:
        run_agent(model, "q", system="")
    assert info.value.transcript is not None and len(info.value.transcript.tool_runs) == 1


def _script(tmp_path: Path, replies: list[Reply]) -> str:
    path = tmp_path / "steps.json"
    path.write_text(json.dumps([r.model_dump(mode="json") for r in replies]), encoding="utf-8")
    return f"scripted:{path}"


@pytest.mark.parametrize("case", ["forever", "empty", "runs out"])
def test_the_cli_exits_3_with_one_sentence(tmp_path: Path, case: str) -> None:
    replies = {"forever": _forever(), "empty": [step("")], "runs out": [step("", LOOKUP)]}[case]
    outcome = run_cli("ask", "How much energy?", "-m", _script(tmp_path, replies), timeout=60)
    assert outcome.code == 3, outcome.err[-1000:]
    outcome.assert_one_sentence()


def test_the_cli_prints_the_answer_after_unknown_tools_and_bad_json(tmp_path: Path) -> None:
    bad = ToolCall.from_raw("c2", "lookup_measurement", "{not json")
    replies = [Reply(tool_calls=[ToolCall(id="c1", name="nope"), bad]), step("Scripted final answer.")]
    outcome = run_cli("ask", "q", "-m", _script(tmp_path, replies), "--json", timeout=60)
    assert outcome.code == 0, outcome.err[-1000:]
    assert "Traceback" not in outcome.err
    assert "Scripted final answer." in outcome.out
