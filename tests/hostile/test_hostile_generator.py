"""The hostile-input generator: property tests per family, a small fixed budget in CI, `--hostile-long` for more.

Families (issue 13's table): text (questions through the offline engine, the parsers and grounding),
numbers and names (every tool), provider responses (both wire formats and raw bodies), secrets (the one
scrubber), files (the one atomic writer). Each property is: no exception but the documented one, no
hang past the stated limit, no file lost or truncated, no secret left.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import (
    ANTHROPIC_BODY,
    CARRIER,
    COUNTS,
    NAME,
    NUMBER,
    OPENAI_BODY,
    QUESTION,
    RAW_BODY,
    SECRET,
)

from ecocompute import safejson
from ecocompute.files import WriteError, write_text
from ecocompute.grounding import extract_numbers
from ecocompute.loop import run_agent
from ecocompute.messages import ModelError, ToolCall
from ecocompute.offline.parse import parse
from ecocompute.providers import anthropic as anthropic_adapter
from ecocompute.providers import openai as openai_adapter
from ecocompute.providers.offline import OfflineModel
from ecocompute.providers.wire import body_object
from ecocompute.registry import TOOLS, non_finite, run_tool
from ecocompute.scrub import Scrubber

HANG_SECONDS = 10.0  # the stated limit for one input of the sizes generated here
WHERE = "http://loopback.invalid"


def budget(request: pytest.FixtureRequest, ci: int, long: int) -> Any:
    """Hypothesis settings: `ci` examples by default, `long` with --hostile-long."""
    examples = long if request.config.getoption("--hostile-long") else ci
    return settings(max_examples=examples, deadline=None, derandomize=not request.config.getoption("--hostile-long"),
                    suppress_health_check=list(HealthCheck), database=None)


def _timed(family: str, action: Any) -> Any:
    COUNTS[family] += 1
    start = time.process_time()  # CPU time: a loaded machine does not make a slow input look like a hang
    value = action()
    assert time.process_time() - start < HANG_SECONDS, f"{family}: over {HANG_SECONDS} s"
    return value


def test_text_family(request: pytest.FixtureRequest) -> None:
    @budget(request, ci=40, long=2000)
    @given(question=QUESTION)
    def check(question: str) -> None:
        def run() -> None:
            parse(question)
            extract_numbers(question)
            try:
                transcript = run_agent(OfflineModel(), question, system="")
            except ModelError as exc:  # the documented failure: one sentence
                assert "\n" not in exc.message
                return
            for r in transcript.tool_runs:
                assert r.result.is_error or "Infinity" not in r.result.content and "NaN" not in r.result.content
        _timed("text", run)

    check()


def test_numbers_and_names_family(request: pytest.FixtureRequest) -> None:
    fields = [(spec.name, field) for spec in TOOLS if spec.name != "audit_code" for field in spec.args_model.model_fields]

    @budget(request, ci=150, long=5000)
    @given(target=st.sampled_from(fields), value=st.one_of(NUMBER, NAME), gpu=NAME)
    def check(target: tuple[str, str], value: Any, gpu: str) -> None:
        name, field = target
        outcome = _timed("numbers and names", lambda: run_tool(name, {"gpu": gpu, field: value}))
        if outcome.is_error:
            assert outcome.error and "\n" not in outcome.error.strip()
        else:
            assert non_finite(outcome.content) is None

    check()


def test_provider_response_family(request: pytest.FixtureRequest) -> None:
    @budget(request, ci=150, long=5000)
    @given(openai_body=OPENAI_BODY, anthropic_body=ANTHROPIC_BODY, raw=RAW_BODY,
           arguments=st.one_of(st.text(max_size=60), st.just("{" * 3000), st.just('{"a": ' + "9" * 5000 + "}")))
    def check(openai_body: dict[str, Any], anthropic_body: dict[str, Any], raw: bytes, arguments: str) -> None:
        def run() -> None:
            for adapter, body in ((openai_adapter, openai_body), (anthropic_adapter, anthropic_body)):
                try:
                    reply = adapter.from_wire(body, WHERE)
                except ModelError as exc:
                    assert exc.kind == "server" and "\n" not in exc.message
                else:
                    assert isinstance(reply.text, str) and reply.usage.input_tokens >= 0
            try:
                body_object(raw, WHERE)
            except ModelError as exc:
                assert "\n" not in exc.message
            call = ToolCall.from_raw("c1", "lookup_measurement", arguments)
            assert call.argument_error is None or "\n" not in call.argument_error
        _timed("provider responses", run)

    check()


def test_secret_family(request: pytest.FixtureRequest) -> None:
    @budget(request, ci=200, long=5000)
    @given(secret=SECRET, carrier=CARRIER, noise=st.text(max_size=30))
    def check(secret: str, carrier: str, noise: str) -> None:
        assume(secret not in "REDACTED" and secret not in carrier.replace("{s}", "") and secret not in noise)
        text = noise + " " + carrier.replace("{s}", secret) + " " + noise
        scrubbed = _timed("secrets", lambda: Scrubber([secret], from_environment=False).text(text))
        assert secret not in scrubbed

    check()


def test_file_family(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    @budget(request, ci=60, long=1000)
    @given(name=st.text(min_size=1, max_size=30), content=st.text(max_size=300), force=st.booleans())
    def check(name: str, content: str, force: bool) -> None:
        COUNTS["files"] += 1
        target = tmp_path / "out" / name
        existed = target.is_file()
        before = target.read_bytes() if existed else None
        try:
            write_text(target, content, force=force)
        except (WriteError, ValueError):  # refused, an impossible name, or a NUL in the name
            assert not existed or target.read_bytes() == before  # nothing lost
        else:
            assert target.read_text(encoding="utf-8") == content and (force or not existed)
        assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]  # no debris

    (tmp_path / "out").mkdir()
    check()


def test_json_family(request: pytest.FixtureRequest) -> None:
    @budget(request, ci=150, long=5000)
    @given(text=st.one_of(st.text(max_size=200), st.builds(lambda a, n: a * n, st.sampled_from(["[", "{\"a\":", "1"]),
                                                            st.integers(0, 20000))))
    def check(text: str) -> None:
        def run() -> None:
            try:
                safejson.loads(text)
            except safejson.JSONInputError as exc:
                assert "\n" not in exc.reason
        _timed("json", run)

    check()


@pytest.fixture(autouse=True)
def _no_secrets_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated tool inputs must not be scrubbed against the caller's real credentials."""
    for name in list(os.environ):
        if name.endswith(("_API_KEY", "_TOKEN")):
            monkeypatch.delenv(name, raising=False)
