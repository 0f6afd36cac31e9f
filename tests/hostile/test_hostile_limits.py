"""Hangs and limits: linear regexes and grounding, provider timeout and deadline, Retry-After cap,
tool calls per turn, Ctrl-C during a model request."""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import subprocess
import time
from types import ModuleType

import pytest
from hostile_helpers import ECOCOMPUTE, clean_env
from support.loopback import MODEL, ScriptedServer, anthropic_error, anthropic_reply, openai_reply

from ecocompute import grounding, input_grounding, number_mentions, number_sources
from ecocompute.loop import MAX_TOOL_CALLS_PER_TURN, run_agent
from ecocompute.messages import ModelError
from ecocompute.offline import extract, lexicon, parse
from ecocompute.offline.parse import parse as parse_question
from ecocompute.providers.base import DEFAULT_TIMEOUT, make_model
from ecocompute.providers.scripted import ScriptedModel, step
from ecocompute.tools import names

KEY = "loopback-test-key"
LIMIT = 3.0  # seconds; each input below took from 10 s to minutes before (quadratic or cubic matching)


def _modules() -> list[ModuleType]:
    """Every module of the offline reader (new ones join automatically), plus grounding (with how it reads
    numbers and where it finds them) and the name parser."""
    import ecocompute.offline as offline

    found = [importlib.import_module(f"ecocompute.offline.{m.name}") for m in pkgutil.iter_modules(offline.__path__)]
    return [*found, grounding, number_mentions, number_sources, input_grounding, names]


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for module in _modules():
        for key, value in vars(module).items():
            items = value if isinstance(value, tuple) else (value,)
            for i, item in enumerate(items):
                item = item[-1] if isinstance(item, tuple) and item and isinstance(item[-1], re.Pattern) else item
                if isinstance(item, re.Pattern):
                    found[f"{module.__name__}.{key}[{i}]"] = item
    return found


PATTERNS = _patterns()
ADVERSARIAL = [prefix + unit * (6000 // len(unit)) + suffix
               for prefix, unit, suffix in [("1", " ", "次请求"), ("", "1", ""), ("a", "1", ""), ("", "a-", "1"),
                                            ("", "1,", ""), ("", "1.", ""), ("5", " ", "tokens x")]]
# CPU time of this process, not wall time: other processes on a loaded CI machine do not count.
cpu = time.process_time


@pytest.mark.parametrize("name", list(PATTERNS))
def test_every_parser_pattern_is_linear_on_adversarial_runs(name: str) -> None:
    pattern = PATTERNS[name]
    for text in ADVERSARIAL:
        start = cpu()
        list(pattern.finditer(text))
        assert cpu() - start < 0.4, (name, text[:20])


@pytest.mark.parametrize("text", [
    "1" + " " * 3000 + "次请求",  # VOLUME_ZH: adjacent \s* (minutes before)
    "10万" + " " * 3000 + "个" + " " * 3000 + "x",
    "5" + " " * 3000 + "tokens" + " " * 3000 + "x",  # TOKENS_PER_REQUEST
    "1" * 100_000,  # digit runs in parse
    "1," * 50_000,
    "a" + "1" * 50_000,
])
def test_parse_is_fast_on_hostile_runs(text: str) -> None:
    start = cpu()
    parse_question(text)
    assert cpu() - start < LIMIT


def test_grounding_100kb_of_numbers_is_linear() -> None:
    text = " ".join(str(i * 7) for i in range(16_000))  # ~100 kB; > 90 s before
    start = cpu()
    mentions = grounding.extract_numbers(text)
    assert cpu() - start < LIMIT * 2 and len(mentions) == 16_000


def test_a_model_asking_for_500_tool_calls_gets_16_run() -> None:
    calls = [("lookup_measurement", {"gpu": "rtx4090d", "model": "Mistral-7B"})] * 500
    model = ScriptedModel([step("", *calls), step("Answer.")])
    start = cpu()
    transcript = run_agent(model, "q", system="")
    assert cpu() - start < LIMIT * 3
    ran = [r for r in transcript.tool_runs if not r.result.is_error]
    refused = [r for r in transcript.tool_runs if r.result.is_error]
    assert len(ran) == MAX_TOOL_CALLS_PER_TURN and len(refused) == 500 - MAX_TOOL_CALLS_PER_TURN
    assert "at most" in refused[0].result.content
    assert len(model.requests[1][1][-1].tool_results) == 500  # every call id is answered


def test_the_default_provider_timeout_is_well_under_a_minute() -> None:
    model = make_model(f"openai:{MODEL}", base_url="http://127.0.0.1:9/v1", api_key=KEY)
    assert DEFAULT_TIMEOUT <= 30 and model._client.timeout == DEFAULT_TIMEOUT


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_trickling_server_is_cut_off_at_the_deadline(loopback: ScriptedServer, provider: str) -> None:
    reply = openai_reply("x" * 400) if provider == "openai" else anthropic_reply("x" * 400)
    reply.trickle = 0.05  # one byte every 50 ms: ~40 s for the body, each read well inside the read timeout
    loopback.push(reply)
    base = f"{loopback.url}/v1" if provider == "openai" else loopback.url
    model = make_model(f"{provider}:{MODEL}", base_url=base, api_key=KEY, max_retries=0, timeout=1.0)
    start = time.perf_counter()
    with pytest.raises(ModelError) as info:
        run_agent(model, "q", system="s")
    assert info.value.kind == "timeout" and time.perf_counter() - start < 5


def test_anthropic_does_not_wait_an_hour_for_retry_after(loopback: ScriptedServer) -> None:
    limited = anthropic_error(429, "rate_limit_error", "slow down")
    limited.headers = {"retry-after": "3600"}
    loopback.push(limited, anthropic_reply("late"))
    model = make_model(f"anthropic:{MODEL}", base_url=loopback.url, api_key=KEY, max_retries=2)
    start = time.perf_counter()
    with pytest.raises(ModelError) as info:
        run_agent(model, "q", system="s")
    assert info.value.kind == "rate_limit" and time.perf_counter() - start < 10


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_bad_timeout_flag_is_a_usage_error(cli, value: str) -> None:
    outcome = cli("ask", "q", "--timeout", value)
    assert outcome.code == 2
    outcome.assert_one_sentence()


def test_ctrl_c_during_a_model_request_exits_130(loopback: ScriptedServer) -> None:
    slow = openai_reply("late")
    slow.delay = 30
    loopback.push(slow)
    proc = subprocess.Popen([str(ECOCOMPUTE), "ask", "q", "-m", f"openai:{MODEL}", "--base-url", f"{loopback.url}/v1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env())
    deadline = time.monotonic() + 60
    while not loopback.received and time.monotonic() < deadline:  # wait until the request is in flight
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 130 and "Traceback" not in err and "interrupted" in err
