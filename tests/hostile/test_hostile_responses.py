"""Malformed provider responses (OpenAI and Anthropic wire shapes) from the loopback scripted server.

Each reply either works (odd but usable: a list of text parts, odd usage) or ends the run with one
`ModelError` sentence; never another exception. `ecocompute ask` exits 3, and an eval keeps every
other scenario's result.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hostile_helpers import clean_env, run_cli
from support.loopback import MODEL, Planned, ScriptedServer, anthropic_reply, openai_reply

from ecocompute.loop import run_agent
from ecocompute.messages import ModelError
from ecocompute.providers.base import make_model

KEY = "loopback-test-key"
PATH = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages"}
DEEP = "[" * 100_000 + "]" * 100_000
LONG_INT = "1" * 5001


def _raw(provider: str, raw: bytes, content_type: str = "application/json") -> Planned:
    return Planned(raw=raw, headers={"content-type": content_type}, path=PATH[provider])


def _body(provider: str, body: Any) -> Planned:
    return Planned(raw=json.dumps(body).encode(), path=PATH[provider])


def _openai(**message: Any) -> Planned:
    planned = openai_reply("x")
    planned.body["choices"][0]["message"] = {"role": "assistant", **message}
    return planned


def _openai_call(function: Any, **extra: Any) -> Planned:
    return _openai(content=None, tool_calls=[{"id": "c1", "type": "function", "function": function, **extra}])


def _anthropic(content: Any, **extra: Any) -> Planned:
    planned = anthropic_reply("x")
    planned.body["content"] = content
    planned.body.update(extra)
    return planned


def _with_usage(planned: Planned, usage: Any) -> Planned:
    planned.body["usage"] = usage
    return planned


COMMON: dict[str, Any] = {
    "empty body": lambda p: _raw(p, b""),
    "not JSON": lambda p: _raw(p, b"{not json"),
    "HTML 200": lambda p: _raw(p, b"<html><body>502 Bad Gateway</body></html>", "text/html"),
    "JSON null": lambda p: _raw(p, b"null"),
    "JSON list": lambda p: _raw(p, b"[]"),
    "JSON string": lambda p: _raw(p, b'"hello"'),
    "JSON number": lambda p: _raw(p, b"42"),
    "NaN in body": lambda p: _raw(p, b'{"choices": NaN, "content": NaN}'),
    "Infinity in body": lambda p: _raw(p, b'{"usage": {"prompt_tokens": Infinity}}'),
    "100k-deep body": lambda p: _raw(p, DEEP.encode()),
    "5001-digit number": lambda p: _raw(p, ('{"usage": ' + LONG_INT + "}").encode()),
    "not UTF-8": lambda p: _raw(p, b'{"content": "\xff\xfe"}'),
    "error object with 200": lambda p: _body(p, {"error": {"message": "oops"}}),
}
OPENAI: dict[str, Any] = {
    "choices missing": lambda: _body("openai", {"id": "x"}),
    "choices null": lambda: _body("openai", {"choices": None}),
    "choices empty": lambda: _body("openai", {"choices": []}),
    "choices a string": lambda: _body("openai", {"choices": "abc"}),
    "choice null": lambda: _body("openai", {"choices": [None]}),
    "message null": lambda: _body("openai", {"choices": [{"message": None}]}),
    "content a list of parts": lambda: _openai(content=[{"type": "text", "text": "Hello."}]),
    "content a list of junk": lambda: _openai(content=[1, None]),
    "content an int": lambda: _openai(content=5),
    "content a dict": lambda: _openai(content={"a": 1}),
    "tool_calls a string": lambda: _openai(content=None, tool_calls="x"),
    "tool call null": lambda: _openai(content=None, tool_calls=[None]),
    "function null": lambda: _openai_call(None),
    "function name null": lambda: _openai_call({"name": None, "arguments": "{}"}),
    "tool call id null": lambda: _openai(content=None, tool_calls=[
        {"id": None, "type": "function", "function": {"name": "lookup_measurement", "arguments": "{}"}}]),
    "arguments null": lambda: _openai_call({"name": "lookup_measurement", "arguments": None}),
    "arguments an int": lambda: _openai_call({"name": "lookup_measurement", "arguments": 5}),
    "arguments an object": lambda: _openai_call({"name": "lookup_measurement", "arguments": {"gpu": "a800"}}),
    "arguments NaN": lambda: _openai_call({"name": "lookup_measurement", "arguments": '{"batch_size": NaN}'}),
    "arguments 100k deep": lambda: _openai_call({"name": "lookup_measurement", "arguments": DEEP}),
    "arguments 5001 digits": lambda: _openai_call({"name": "lookup_measurement",
                                                   "arguments": '{"batch_size": ' + LONG_INT + "}"}),
    "usage a string": lambda: _with_usage(openai_reply("Hello."), "lots"),
    "usage negative and float": lambda: _with_usage(openai_reply("Hello."),
                                                    {"prompt_tokens": -5, "completion_tokens": 1.5}),
    "usage strings": lambda: _with_usage(openai_reply("Hello."), {"prompt_tokens": "7"}),
    "finish_reason an int": lambda: _body("openai", {"choices": [{"message": {"content": "Hi."}, "finish_reason": 3}]}),
}
ANTHROPIC: dict[str, Any] = {
    "content missing": lambda: _body("anthropic", {"type": "message"}),
    "content null": lambda: _anthropic(None),
    "content a string": lambda: _anthropic("Hello."),
    "content an int": lambda: _anthropic(5),
    "block null": lambda: _anthropic([None]),
    "text null": lambda: _anthropic([{"type": "text", "text": None}]),
    "text missing": lambda: _anthropic([{"type": "text"}]),
    "block type an int": lambda: _anthropic([{"type": 5}, {"type": "text", "text": "Hi."}]),
    "tool_use name null": lambda: _anthropic([{"type": "tool_use", "id": "t1", "name": None, "input": {}}]),
    "tool_use id null": lambda: _anthropic([{"type": "tool_use", "id": None, "name": "diagnose", "input": {}}]),
    "tool_use input null": lambda: _anthropic([{"type": "tool_use", "id": "t1", "name": "diagnose", "input": None}]),
    "tool_use input a list": lambda: _anthropic([{"type": "tool_use", "id": "t1", "name": "diagnose", "input": [1]}]),
    "tool_use input a string": lambda: _anthropic([{"type": "tool_use", "id": "t1", "name": "diagnose",
                                                     "input": "{}"}]),
    "usage null": lambda: _anthropic([{"type": "text", "text": "Hi."}], usage=None),
    "usage strings": lambda: _anthropic([{"type": "text", "text": "Hi."}],
                                        usage={"input_tokens": "many", "output_tokens": -1}),
    "stop_reason a dict": lambda: _anthropic([{"type": "text", "text": "Hi."}], stop_reason={"a": 1}),
}
CASES = ([pytest.param(p, make, id=f"{p}-{label}") for p in ("openai", "anthropic") for label, make in COMMON.items()]
         + [pytest.param("openai", lambda _p, m=m: m(), id=f"openai-{label}") for label, m in OPENAI.items()]
         + [pytest.param("anthropic", lambda _p, m=m: m(), id=f"anthropic-{label}") for label, m in ANTHROPIC.items()])


def _model(provider: str, url: str):
    base = f"{url}/v1" if provider == "openai" else url
    return make_model(f"{provider}:{MODEL}", base_url=base, api_key=KEY, max_retries=0)


def _final(provider: str) -> Planned:
    return openai_reply("Final answer.") if provider == "openai" else anthropic_reply("Final answer.")


@pytest.mark.parametrize(("provider", "make"), CASES)
def test_a_malformed_response_is_a_reply_or_one_model_error(loopback: ScriptedServer, provider: str, make) -> None:
    loopback.push(make(provider), _final(provider), _final(provider))
    try:
        transcript = run_agent(_model(provider, loopback.url), "q", system="s")
    except ModelError as exc:
        assert exc.kind == "server", exc.message
        assert "\n" not in exc.message and len(exc.message) < 400 and KEY not in exc.message
    else:
        assert transcript.answer.strip()
        assert transcript.usage.input_tokens >= 0 and transcript.usage.output_tokens >= 0


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_ask_exits_3_on_an_unusable_response(loopback: ScriptedServer, provider: str) -> None:
    loopback.push(*[COMMON["HTML 200"](provider) for _ in range(3)])
    base = f"{loopback.url}/v1" if provider == "openai" else loopback.url
    env = clean_env(ANTHROPIC_API_KEY=KEY) if provider == "anthropic" else clean_env()
    outcome = run_cli("ask", "Is INT8 cheaper than FP16?", "-m", f"{provider}:{MODEL}", "--base-url", base,
                      env=env, timeout=90)
    assert outcome.code == 3, outcome.err[-1000:]
    outcome.assert_one_sentence()
