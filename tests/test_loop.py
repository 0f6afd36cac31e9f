"""The agent loop, driven by a scripted model at our seam and the real registry tools."""

from __future__ import annotations

import json

import pytest

from ecocompute.loop import run_agent
from ecocompute.messages import Message, ModelError, Reply, ToolCall, ToolRun, Usage
from ecocompute.providers.scripted import ScriptedModel, step
from ecocompute.registry import get_tool

LOOKUP = get_tool("lookup_measurement")
A800 = {"gpu": "A800", "model": "Mistral-7B", "batch_size": 1}


def _run(steps: list[Reply | ModelError], **kwargs: object):
    model = ScriptedModel(steps)
    return model, run_agent(model, "How much energy does Mistral-7B use on an A800?", system="S",
                            tools=[LOOKUP], **kwargs)


def test_tool_call_then_answer_records_everything() -> None:
    first = step("", ("lookup_measurement", A800))
    first.usage = Usage(input_tokens=100, output_tokens=20)
    final = Reply(text="Answer.", usage=Usage(input_tokens=300, output_tokens=50), stop_reason="end")
    model, transcript = _run([first, final])
    assert transcript.answer == "Answer."
    assert [m.role for m in transcript.messages] == ["user", "assistant", "tool", "assistant"]
    (run,) = transcript.tool_runs
    assert run.turn == 1 and not run.result.is_error and run.seconds >= 0
    content = json.loads(run.result.content)
    assert content["basis"] == "measured" and content["rows"]
    assert transcript.usage == Usage(input_tokens=400, output_tokens=70)
    assert [t.tool_calls for t in transcript.turns] == [1, 0]
    assert transcript.seconds >= transcript.model_seconds
    # the second request saw the tool result, the system prompt and only the offered tool
    system, messages, tools = model.requests[1]
    assert system == "S" and tools == ["lookup_measurement"]
    assert messages[-1].tool_results[0].call_id == run.call.id


def test_several_calls_in_one_turn_run_in_order() -> None:
    calls = [("lookup_measurement", A800), ("lookup_measurement", {"gpu": "A800", "precision": "nf4"})]
    _, transcript = _run([step("", *calls), step("Both.")])
    assert [r.call.id for r in transcript.tool_runs] == ["call_1", "call_2"]
    assert len(transcript.messages[2].tool_results) == 2


def test_input_errors_come_back_so_the_model_can_correct_them() -> None:
    _, transcript = _run([
        step("", ("lookup_measurement", {"batch_size": 0})),
        step("", ("lookup_measurement", {"gpu": "zz9000"})),
        step("", ("lookup_measurement", {"gpu": "A800"})),
        step("Corrected."),
    ])
    results = [r.result for r in transcript.tool_runs]
    assert [r.is_error for r in results] == [True, True, False]
    assert "greater than or equal to 1" in json.loads(results[0].content)["error"]
    assert "Unknown GPU 'zz9000'" in json.loads(results[1].content)["error"]
    assert transcript.answer == "Corrected."


def test_unknown_and_unoffered_tools_are_error_results() -> None:
    _, transcript = _run([step("", ("delete_everything", {}), ("compare_precisions", {})), step("ok")])
    errors = [json.loads(r.result.content)["error"] for r in transcript.tool_runs]
    assert all(r.result.is_error for r in transcript.tool_runs)
    assert errors[0] == "Unknown tool 'delete_everything'. Tools: lookup_measurement."
    assert "compare_precisions" in errors[1]


def test_malformed_json_arguments_are_an_error_result() -> None:
    bad = ToolCall.from_raw("c9", "lookup_measurement", '{"gpu": ')
    _, transcript = _run([Reply(tool_calls=[bad]), step("ok")])
    (run,) = transcript.tool_runs
    assert run.result.is_error and run.result.call_id == "c9"
    assert "not valid JSON" in json.loads(run.result.content)["error"]


def test_null_for_a_defaulted_parameter_means_the_default() -> None:
    args = {"gpu": "A800", "model": None, "precision": None, "batch_size": None, "engine": None}
    _, transcript = _run([step("", ("lookup_measurement", args)), step("ok")])
    assert not transcript.tool_runs[0].result.is_error


def test_turn_limit_stops_a_model_that_never_answers() -> None:
    forever = [step("", ("lookup_measurement", A800))] * 10
    with pytest.raises(ModelError) as info:
        _run(forever, max_turns=3)
    err = info.value
    assert err.kind == "turn_limit" and "after 3 turns" in str(err)
    assert err.transcript is not None and len(err.transcript.tool_runs) == 3


def test_empty_answer_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="empty answer") as info:
        _run([Reply(text="  ")])
    assert info.value.kind == "empty_answer"


def test_provider_errors_propagate_with_the_transcript_so_far() -> None:
    failure = ModelError("The server rate-limited the request (HTTP 429).", "rate_limit")
    with pytest.raises(ModelError) as info:
        _run([step("", ("lookup_measurement", A800)), failure])
    assert info.value.kind == "rate_limit"
    assert info.value.transcript is not None and len(info.value.transcript.tool_runs) == 1


def test_continued_conversation_and_tool_observer() -> None:
    seen: list[ToolRun] = []
    history = [Message.user("first"), Message.assistant("earlier answer"), Message.user("and A800?")]
    model = ScriptedModel([step("", ("lookup_measurement", A800)), step("ok")])
    transcript = run_agent(model, history, system="S", tools=[LOOKUP], on_tool=seen.append)
    assert transcript.questions == ["first", "and A800?"]
    assert [r.call.name for r in seen] == ["lookup_measurement"]


def test_scripted_model_running_out_of_steps_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="ran out of planned replies"):
        _run([step("", ("lookup_measurement", A800))])


def test_transcript_serialises_to_json() -> None:
    _, transcript = _run([step("", ("lookup_measurement", A800)), step("Answer.")])
    data = json.loads(transcript.model_dump_json())
    assert data["tool_runs"][0]["call"]["name"] == "lookup_measurement"
    assert data["model_id"] == "scripted"
