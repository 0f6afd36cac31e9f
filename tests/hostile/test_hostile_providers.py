"""Provider errors from the loopback scripted server (401, 429, 500, timeout, connection refused),
through the loop (a `ModelError` with one sentence) and through `ecocompute ask` (exit 3)."""

from __future__ import annotations

import pytest
from hostile_helpers import clean_env, run_cli
from support.loopback import (
    MODEL,
    Planned,
    ScriptedServer,
    anthropic_error,
    anthropic_reply,
    openai_error,
    openai_reply,
)

from ecocompute.loop import run_agent
from ecocompute.messages import ModelError
from ecocompute.providers.base import make_model

KEY = "loopback-test-key"
STATUS = {401: "auth", 429: "rate_limit", 500: "server"}


def _error(provider: str, status: int) -> Planned:
    if provider == "openai":
        return openai_error(status, "planned failure")
    kind = {401: "authentication_error", 429: "rate_limit_error", 500: "api_error"}[status]
    return anthropic_error(status, kind, "planned failure")


def _model(provider: str, url: str, **options: object):
    base = f"{url}/v1" if provider == "openai" else url
    return make_model(f"{provider}:{MODEL}", base_url=base, api_key=KEY, max_retries=0, **options)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("status", list(STATUS))
def test_http_errors_end_in_one_sentence(loopback: ScriptedServer, provider: str, status: int) -> None:
    loopback.push(_error(provider, status))
    with pytest.raises(ModelError) as info:
        run_agent(_model(provider, loopback.url), "q", system="s")
    assert info.value.kind == STATUS[status]
    assert "\n" not in info.value.message and str(status) in info.value.message
    assert KEY not in info.value.message


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_an_error_after_a_tool_turn_keeps_the_tool_runs(loopback: ScriptedServer, provider: str) -> None:
    args = {"gpu": "rtx4090d", "model": "Mistral-7B"}
    if provider == "openai":
        first = openai_reply(calls=[("call_1", "lookup_measurement", '{"gpu": "rtx4090d", "model": "Mistral-7B"}')])
    else:
        first = anthropic_reply(uses=[("toolu_1", "lookup_measurement", args)])
    loopback.push(first, _error(provider, 500))
    with pytest.raises(ModelError) as info:
        run_agent(_model(provider, loopback.url), "q", system="s")
    assert info.value.kind == "server"
    assert info.value.transcript is not None and len(info.value.transcript.tool_runs) == 1


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_timeout_ends_in_one_sentence(loopback: ScriptedServer, provider: str) -> None:
    reply = openai_reply("late") if provider == "openai" else anthropic_reply("late")
    reply.delay = 3.0
    loopback.push(reply)
    with pytest.raises(ModelError) as info:
        run_agent(_model(provider, loopback.url, timeout=0.3), "q", system="s")
    assert info.value.kind == "timeout" and "\n" not in info.value.message


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_connection_refused_ends_in_one_sentence(closed_port_url: str, provider: str) -> None:
    url = closed_port_url.removesuffix("/v1")
    with pytest.raises(ModelError) as info:
        run_agent(_model(provider, url), "q", system="s")
    assert info.value.kind == "connection" and "\n" not in info.value.message


def _ask(provider: str, url: str):
    base = f"{url}/v1" if provider == "openai" else url
    env = clean_env(ANTHROPIC_API_KEY=KEY) if provider == "anthropic" else clean_env()
    return run_cli("ask", "Is INT8 cheaper than FP16?", "-m", f"{provider}:{MODEL}", "--base-url", base,
                   env=env, timeout=90)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("status", list(STATUS))
def test_cli_exits_3_on_http_errors(loopback: ScriptedServer, provider: str, status: int) -> None:
    loopback.push(*[_error(provider, status) for _ in range(4)])  # enough for the default retries
    outcome = _ask(provider, loopback.url)
    assert outcome.code == 3, outcome.err[-1000:]
    outcome.assert_one_sentence()
    assert str(status) in outcome.err and KEY not in outcome.err


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_cli_exits_3_on_connection_refused(closed_port_url: str, provider: str) -> None:
    outcome = _ask(provider, closed_port_url.removesuffix("/v1"))
    assert outcome.code == 3, outcome.err[-1000:]
    outcome.assert_one_sentence()


def test_cli_missing_anthropic_key_exits_3() -> None:
    outcome = run_cli("ask", "q", "-m", "anthropic:some-model", env=clean_env(), timeout=60)
    assert outcome.code == 3
    outcome.assert_one_sentence()
