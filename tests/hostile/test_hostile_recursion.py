"""Recursion and giant numbers: follow-up chains, deeply nested flag JSON, 5,001-digit integers; and an
eval run that meets an unusable reply keeps every other scenario's result."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
import yaml
from support.loopback import MODEL, Planned, ScriptedServer

from ecocompute import __version__
from ecocompute.commands.export import run_script
from ecocompute.evalkit.runner import RunSettings, run_all
from ecocompute.evalkit.schema import load
from ecocompute.messages import Message, ToolCall
from ecocompute.providers.base import make_model
from ecocompute.providers.offline import OfflineModel, understand

ROOT = Path(__file__).resolve().parents[2]
LONG_INT = "1" * 5001


def test_a_thousand_follow_ups_do_not_recurse() -> None:
    turns = ["What does Mistral-7B cost on the RTX 4090D at 1000 requests a month?"]
    turns += ["and on the A800?", "and at batch 8?"] * 750
    messages = [Message.user(t) for t in turns]
    start = time.process_time()
    intent = understand(messages)
    assert intent.model == "Mistral-7B" and intent.batch_size == 8
    assert time.process_time() - start < 60
    reply = OfflineModel().complete("", messages, [])
    assert reply.text.strip()


def test_follow_ups_still_merge_like_before() -> None:
    intent = understand([Message.user("What does Mistral-7B cost on the RTX 4090D at 1000 requests a month?"),
                         Message.user("and on the A800?")])
    assert intent.model == "Mistral-7B" and intent.gpu == "a800" and intent.requests_per_month == 1000


@pytest.mark.parametrize("value", ["[" * 100_000, "{" * 50_000, '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
                                   "[" + LONG_INT + "]"])
def test_deeply_nested_flag_json_in_a_skill_script_is_one_sentence(capsys: pytest.CaptureFixture[str],
                                                                  value: str) -> None:
    assert run_script("lookup_measurement", ["--gpu", value], bundle_version=__version__) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and len(err) < 300


@pytest.mark.parametrize("args", ['{"batch_size": ' + LONG_INT + "}", '{"gpu": "a800", "x": -' + LONG_INT + "}",
                                  '{"batch_size": 1' + "0" * 5000 + ".5}"])
def test_giant_json_integers_in_tool_args_exit_2(cli, args: str) -> None:
    outcome = cli("tool", "lookup_measurement", "--args", args)
    assert outcome.code == 2
    outcome.assert_one_sentence()


def test_giant_json_integers_in_tool_calls_are_argument_errors() -> None:
    call = ToolCall.from_raw("c1", "lookup_measurement", '{"batch_size": ' + LONG_INT + "}")
    assert call.argument_error and "digits" in call.argument_error


def test_an_eval_run_keeps_the_other_results_after_an_unusable_reply(loopback: ScriptedServer,
                                                                     tmp_path: Path) -> None:
    ids = ["nf4-compare-qwen15b-5090", "srv-itl-deadline-8b-h100"]
    items = [item for f in sorted((ROOT / "evals" / "scenarios").glob("*.yaml"))
             for item in yaml.safe_load(f.read_text(encoding="utf-8")) if item["id"] in ids]
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    scenarios = load(str(tmp_path / "s.yaml"))
    html = Planned(raw=b"<html>oops</html>", headers={"content-type": "text/html"}, path="/v1/chat/completions")
    final = json.loads(json.dumps({"choices": [{"message": {"content": "An answer."}, "finish_reason": "stop"}]}))
    loopback.push(html, Planned(body=final, path="/v1/chat/completions"))

    def make():
        return make_model(f"openai:{MODEL}", base_url=f"{loopback.url}/v1", api_key="k", max_retries=0)

    results = run_all(scenarios, RunSettings(make=make, system="", tools=()))
    assert [r.id for r in results] == ids
    assert results[0].error and "unusable response" in results[0].error
    assert results[1].error is None and results[1].answer == "An answer."


def test_no_recursion_limit_was_raised_to_get_here() -> None:
    assert sys.getrecursionlimit() <= 10_000
