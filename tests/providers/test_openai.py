"""The OpenAI Chat Completions adapter through the real SDK, against the loopback scripted server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vcr
from support.loopback import ScriptedServer, openai_error, openai_reply
from support.recording import FAKE_KEYS
from support.tools import test_tool_spec

from ecocompute.messages import Message, ModelError, ToolResult
from ecocompute.providers.base import make_model
from ecocompute.schemas import lean_schema

KEY = FAKE_KEYS[0]
TOOL = test_tool_spec()
QUESTION = [Message.user("What does the meter say for the A800?")]


def _model(server: ScriptedServer, **options: object):
    options = {"api_key": KEY, "max_retries": 0, **options}
    return make_model("openai:loopback-scripted", base_url=f"{server.url}/v1", **options)


def _bodies(cassette) -> list[dict]:
    return [json.loads(r.body) for r in cassette.requests]


def test_tool_call_round_trip(loopback: ScriptedServer, cassettes: vcr.VCR) -> None:
    loopback.push(
        openai_reply(calls=[("call_a", "read_meter", '{"gpu": "A800", "precision": null, "batch_size": null}')]),
        openai_reply("The meter was read.", usage=(40, 9)),
    )
    model = _model(loopback)
    with cassettes.use_cassette("loopback-scripted-openai-chat-tool-round-trip.yaml") as cassette:
        first = model.complete("SYSTEM", QUESTION, [TOOL])
        (call,) = first.tool_calls
        result = ToolResult(call_id=call.id, name=call.name, content='{"gpu": "A800"}')
        history = [*QUESTION, Message.assistant(first.text, [call]), Message.tool([result])]
        final = model.complete("SYSTEM", history, [TOOL])
    assert cassette.play_count == 2 or len(loopback.received) == 2  # replayed, or recorded now
    assert model.id == "openai:loopback-scripted"
    assert (call.id, call.name) == ("call_a", "read_meter")
    assert call.arguments == {"gpu": "A800", "precision": None, "batch_size": None}
    assert first.stop_reason == "tool_calls"
    assert final.text == "The meter was read." and final.tool_calls == []
    assert (final.usage.input_tokens, final.usage.output_tokens) == (40, 9)
    sent_first, sent_second = _bodies(cassette)
    assert sent_first["model"] == "loopback-scripted"
    assert sent_first["messages"][0] == {"role": "system", "content": "SYSTEM"}
    tool = sent_first["tools"][0]
    assert tool["type"] == "function" and "strict" not in tool["function"]  # the lean request, not strict
    assert tool["function"]["parameters"] == lean_schema(TOOL)
    assert sent_second["messages"][-2]["tool_calls"][0]["function"]["arguments"] == (
        '{"gpu": "A800", "precision": null, "batch_size": null}'
    )
    assert sent_second["messages"][-1] == {
        "role": "tool", "tool_call_id": "call_a", "content": '{"gpu": "A800"}'
    }


def test_parallel_and_malformed_tool_calls(loopback: ScriptedServer, cassettes: vcr.VCR) -> None:
    loopback.push(openai_reply(calls=[
        ("call_1", "read_meter", '{"gpu": "A800"}'),
        ("call_2", "read_meter", '{"gpu": '),
    ]))
    model = _model(loopback)
    with cassettes.use_cassette("loopback-scripted-openai-chat-parallel-malformed.yaml"):
        reply = model.complete("", QUESTION, [TOOL])
    good, bad = reply.tool_calls
    assert good.arguments == {"gpu": "A800"} and good.argument_error is None
    assert bad.argument_error is not None and bad.raw_arguments == '{"gpu": '


def test_a_changed_request_is_a_stale_cassette(loopback: ScriptedServer) -> None:
    from support.recording import recorder
    from vcr.errors import CannotOverwriteExistingCassetteException

    replay_only = recorder("none")
    cassette = replay_only.use_cassette("loopback-scripted-openai-chat-parallel-malformed.yaml")
    with cassette, pytest.raises(CannotOverwriteExistingCassetteException):
        _model(loopback).complete("A CHANGED SYSTEM PROMPT", QUESTION, [TOOL])
    assert loopback.received == []


def test_no_tools_sends_no_tools_key(loopback: ScriptedServer) -> None:
    loopback.push(openai_reply("plain"))
    assert _model(loopback).complete("", QUESTION, []).text == "plain"
    assert "tools" not in loopback.received[0].body
    assert loopback.received[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        (401, "auth", "rejected the API key (HTTP 401)"),
        (403, "auth", "HTTP 403"),
        (429, "rate_limit", "rate-limiting requests (HTTP 429)"),
        (500, "server", "failed (HTTP 500)"),
        (503, "server", "failed (HTTP 503)"),
        (404, "bad_request", "refused the request (HTTP 404): no such model loopback-scripted"),
    ],
)
def test_http_errors_become_one_sentence(
    loopback: ScriptedServer, status: int, kind: str, words: str
) -> None:
    loopback.push(openai_error(status, "No such model loopback-scripted."))
    with pytest.raises(ModelError) as info:
        _model(loopback).complete("", QUESTION, [TOOL])
    assert info.value.kind == kind
    assert words.lower() in str(info.value).lower()
    assert str(info.value).count(". ") == 0 and "\n" not in str(info.value)
    assert len(loopback.received) == 1  # max_retries=0: no retry


def test_sdk_retries_a_429_when_allowed(loopback: ScriptedServer) -> None:
    loopback.push(openai_error(429, "slow down", headers={"retry-after-ms": "10"}), openai_reply("ok"))
    assert _model(loopback, max_retries=1).complete("", QUESTION, []).text == "ok"
    assert len(loopback.received) == 2


def test_timeout(loopback: ScriptedServer) -> None:
    slow = openai_reply("late")
    slow.delay = 3.0
    loopback.push(slow)
    with pytest.raises(ModelError, match=r"did not answer within 0.3 s") as info:
        _model(loopback, timeout=0.3).complete("", QUESTION, [])
    assert info.value.kind == "timeout"


def test_connection_refused(closed_port_url: str) -> None:
    model = make_model("openai:loopback-scripted", base_url=closed_port_url, api_key=KEY, max_retries=0)
    with pytest.raises(ModelError, match="Could not connect to the model server at http://127.0.0.1") as info:
        model.complete("", QUESTION, [])
    assert info.value.kind == "connection"


def test_missing_key_without_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ModelError, match="No OpenAI API key") as info:
        make_model("openai:some-model")
    assert info.value.kind == "missing_key"


def test_local_server_needs_no_key(monkeypatch: pytest.MonkeyPatch, loopback: ScriptedServer) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY"):
        monkeypatch.delenv(name, raising=False)
    loopback.push(openai_reply("local"))
    model = make_model("openai:llama", base_url=f"{loopback.url}/v1", max_retries=0)
    assert model.complete("", QUESTION, []).text == "local"


def test_cassettes_are_named_after_the_loopback_server() -> None:
    names = [p.name for p in (Path(__file__).parents[1] / "cassettes").glob("*openai*")]
    assert names and all(n.startswith("loopback-scripted-") for n in names)


def test_loop_through_the_sdk_with_a_real_tool(loopback: ScriptedServer) -> None:
    from ecocompute.grounding import check_grounding
    from ecocompute.loop import run_agent
    from ecocompute.registry import get_tool, run_tool

    args = {"gpu": "A800", "model": "Mistral-7B", "precision": None, "batch_size": 1, "engine": None}
    row = run_tool("lookup_measurement", {"gpu": "A800", "model": "Mistral-7B", "batch_size": 1})
    first = row.content["rows"][0]
    answer = f"{first['energy_j_per_1k_tok']:.0f} J per 1k tokens (row {first['row_id']})."
    loopback.push(openai_reply(calls=[("call_1", "lookup_measurement", json.dumps(args))]),
                  openai_reply(answer))
    final = run_agent(_model(loopback), "Mistral-7B on A800?", system="S",
                      tools=[get_tool("lookup_measurement")])
    assert final.answer == answer and final.usage.input_tokens == 22
    assert not final.tool_runs[0].result.is_error
    sent = loopback.received[-1].body["messages"][-1]
    assert sent["role"] == "tool" and sent["tool_call_id"] == "call_1"
    assert check_grounding(final).ok
