"""Neutral message types: parsing tool-call arguments, usage sums, JSON round trips."""

from __future__ import annotations

from ecocompute.messages import (
    Message,
    ModelError,
    Reply,
    ToolCall,
    ToolResult,
    ToolRun,
    Transcript,
    Usage,
)


def test_tool_call_parses_json_object_arguments() -> None:
    call = ToolCall.from_raw("c1", "lookup_measurement", '{"gpu": "A800", "batch_size": 8}')
    assert call.arguments == {"gpu": "A800", "batch_size": 8}
    assert call.argument_error is None
    assert call.arguments_json() == '{"gpu": "A800", "batch_size": 8}'


def test_tool_call_keeps_malformed_arguments_as_an_error() -> None:
    call = ToolCall.from_raw("c1", "lookup_measurement", '{"gpu": "A800",')
    assert call.arguments == {}
    assert call.argument_error is not None and "not valid JSON" in call.argument_error
    assert call.raw_arguments == '{"gpu": "A800",'


def test_tool_call_rejects_non_object_json_and_accepts_empty() -> None:
    assert ToolCall.from_raw("c", "t", "[1, 2]").argument_error == "not a JSON object"
    assert ToolCall.from_raw("c", "t", "").arguments == {}
    assert ToolCall.from_raw("c", "t", None).argument_error is None


def test_arguments_json_without_raw_text_serialises_the_dict() -> None:
    assert ToolCall(id="c", name="t", arguments={"a": 1}).arguments_json() == '{"a": 1}'


def test_usage_adds() -> None:
    total = Usage(input_tokens=3, output_tokens=4) + Usage(input_tokens=10, output_tokens=1)
    assert (total.input_tokens, total.output_tokens) == (13, 5)


def test_transcript_round_trips_through_json() -> None:
    call = ToolCall(id="c1", name="lookup_measurement", arguments={"gpu": "A800"})
    result = ToolResult(call_id="c1", name="lookup_measurement", content='{"rows": []}')
    transcript = Transcript(
        model_id="scripted",
        system="sys",
        messages=[
            Message.user("q?"),
            Message.assistant("", [call]),
            Message.tool([result]),
            Message.assistant("done"),
        ],
        tool_runs=[ToolRun(turn=1, call=call, result=result, seconds=0.01)],
        usage=Usage(input_tokens=5, output_tokens=2),
    )
    again = Transcript.model_validate_json(transcript.model_dump_json())
    assert again == transcript
    assert again.answer == "done"
    assert again.questions == ["q?"]
    assert again.tool_seconds == 0.01


def test_transcript_answer_is_empty_before_an_assistant_message() -> None:
    assert Transcript(model_id="m", messages=[Message.user("hi")]).answer == ""


def test_reply_defaults_are_independent() -> None:
    first, second = Reply(), Reply()
    first.tool_calls.append(ToolCall(id="c", name="t"))
    assert second.tool_calls == []


def test_model_error_carries_kind_and_one_sentence() -> None:
    err = ModelError("The server rejected the API key (HTTP 401).", "auth")
    assert str(err) == "The server rejected the API key (HTTP 401)."
    assert err.kind == "auth" and err.transcript is None
