"""The Anthropic Messages adapter through the real SDK, against the loopback scripted server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vcr
from support.loopback import ScriptedServer, anthropic_error, anthropic_reply
from support.recording import FAKE_KEYS
from support.tools import test_tool_spec

from ecocompute.messages import Message, ModelError, ToolResult
from ecocompute.providers.anthropic import to_wire
from ecocompute.providers.base import make_model
from ecocompute.schemas import lean_schema

KEY = FAKE_KEYS[1]
TOOL = test_tool_spec()
QUESTION = [Message.user("What does the meter say for the A800?")]


def _model(server: ScriptedServer, **options: object):
    options = {"api_key": KEY, "max_retries": 0, **options}
    return make_model("anthropic:loopback-scripted", base_url=server.url, **options)


def test_tool_use_round_trip(loopback: ScriptedServer, cassettes: vcr.VCR) -> None:
    loopback.push(
        anthropic_reply("Reading the meter.", uses=[("toolu_a", "read_meter", {"gpu": "A800"})]),
        anthropic_reply("The meter was read.", usage=(50, 8)),
    )
    model = _model(loopback)
    with cassettes.use_cassette("loopback-scripted-anthropic-messages-tool-round-trip.yaml") as cassette:
        first = model.complete("SYSTEM", QUESTION, [TOOL])
        (call,) = first.tool_calls
        result = ToolResult(call_id=call.id, name=call.name, content='{"error": "x"}', is_error=True)
        history = [*QUESTION, Message.assistant(first.text, [call]), Message.tool([result])]
        final = model.complete("SYSTEM", history, [TOOL])
    assert cassette.play_count == 2 or len(loopback.received) == 2
    assert model.id == "anthropic:loopback-scripted"
    assert first.text == "Reading the meter." and first.stop_reason == "tool_use"
    assert (call.id, call.name, call.arguments) == ("toolu_a", "read_meter", {"gpu": "A800"})
    assert final.text == "The meter was read." and final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == (50, 8)
    sent_first, sent_second = (json.loads(r.body) for r in cassette.requests)
    assert sent_first["system"] == "SYSTEM" and sent_first["max_tokens"] > 0
    assert sent_first["tools"][0]["input_schema"]["required"] == ["gpu"]
    assert sent_first["tools"][0]["input_schema"] == lean_schema(TOOL)  # the lean request
    assert sent_second["messages"][1]["content"] == [
        {"type": "text", "text": "Reading the meter."},
        {"type": "tool_use", "id": "toolu_a", "name": "read_meter", "input": {"gpu": "A800"}},
    ]
    assert sent_second["messages"][2] == {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "toolu_a", "content": '{"error": "x"}', "is_error": True}
    ]}


def test_parallel_tool_uses(loopback: ScriptedServer, cassettes: vcr.VCR) -> None:
    loopback.push(anthropic_reply(uses=[
        ("toolu_1", "read_meter", {"gpu": "A800"}),
        ("toolu_2", "read_meter", {"gpu": "RTX 4090D", "precision": "nf4"}),
    ]))
    with cassettes.use_cassette("loopback-scripted-anthropic-messages-parallel.yaml"):
        reply = _model(loopback).complete("", QUESTION, [TOOL])
    assert [c.id for c in reply.tool_calls] == ["toolu_1", "toolu_2"]
    assert reply.tool_calls[1].arguments == {"gpu": "RTX 4090D", "precision": "nf4"}
    assert reply.text == ""


def test_wire_merges_consecutive_user_turns_and_lifts_system_messages() -> None:
    result = ToolResult(call_id="t1", name="read_meter", content="{}")
    turns = to_wire([Message(role="system", text="extra"), Message.tool([result]), Message.user("next")])
    assert turns == [{"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t1", "content": "{}", "is_error": False},
        {"type": "text", "text": "next"},
    ]}]


def test_non_object_tool_input_is_an_argument_error(loopback: ScriptedServer) -> None:
    loopback.push(anthropic_reply(uses=[("toolu_x", "read_meter", "A800")]))
    (call,) = _model(loopback).complete("", QUESTION, [TOOL]).tool_calls
    assert call.argument_error == "not a JSON object"


def test_sends_the_key_in_an_auth_header(loopback: ScriptedServer) -> None:
    loopback.push(anthropic_reply("plain"))
    assert _model(loopback).complete("", QUESTION, []).text == "plain"
    headers = loopback.received[0].headers
    # anthropic 2.x sends `authorization: Bearer KEY`; older releases sent `x-api-key`
    assert KEY in (headers.get("x-api-key"), headers.get("authorization", "").removeprefix("Bearer "))
    assert "tools" not in loopback.received[0].body and "system" not in loopback.received[0].body


@pytest.mark.parametrize(
    ("status", "error_type", "kind", "words"),
    [
        (401, "authentication_error", "auth", "rejected the API key (HTTP 401)"),
        (429, "rate_limit_error", "rate_limit", "rate-limiting requests (HTTP 429)"),
        (500, "api_error", "server", "failed (HTTP 500)"),
        (529, "overloaded_error", "server", "failed (HTTP 529)"),
        (400, "invalid_request_error", "bad_request", "(HTTP 400): max_tokens is too large"),
    ],
)
def test_http_errors_become_one_sentence(
    loopback: ScriptedServer, status: int, error_type: str, kind: str, words: str
) -> None:
    loopback.push(anthropic_error(status, error_type, "max_tokens is too large."))
    with pytest.raises(ModelError) as info:
        _model(loopback).complete("", QUESTION, [TOOL])
    assert info.value.kind == kind
    assert words in str(info.value) and "\n" not in str(info.value)
    assert len(loopback.received) == 1


def test_timeout(loopback: ScriptedServer) -> None:
    slow = anthropic_reply("late")
    slow.delay = 3.0
    loopback.push(slow)
    with pytest.raises(ModelError, match=r"did not answer within 0.3 s") as info:
        _model(loopback, timeout=0.3).complete("", QUESTION, [])
    assert info.value.kind == "timeout"


def test_connection_refused(closed_port_url: str) -> None:
    model = make_model("anthropic:loopback-scripted", base_url=closed_port_url, api_key=KEY,
                       max_retries=0)
    with pytest.raises(ModelError, match="Could not connect to the model server") as info:
        model.complete("", QUESTION, [])
    assert info.value.kind == "connection"


def test_missing_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_PROFILE",
                 "ANTHROPIC_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    with pytest.raises(ModelError, match="No Anthropic API key") as info:
        make_model("anthropic:some-model")
    assert info.value.kind == "missing_key"
