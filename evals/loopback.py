"""Cassettes for CI, recorded through the real SDKs from the loopback scripted server.

The server is planned with the offline engine's replies for the same scenario (tool calls, then the
final answer), so the cassette holds real OpenAI / Anthropic wire formats and a deterministic answer.
Nothing in them is, or claims to be, a vendor model's answer: they live under
`evals/cassettes/loopback-openai/scripted/` and `evals/cassettes/loopback-anthropic/scripted/`.

Re-record: `/work/venv/bin/python evals/loopback.py` (from the repository root).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the loopback server lives in tests/support

from support.loopback import Planned, ScriptedServer, anthropic_reply, openai_reply  # noqa: E402

from ecocompute.evalkit.cassettes import Scrubber  # noqa: E402
from ecocompute.evalkit.runner import CassettePlan, RunSettings, ScenarioResult, converse, run_one  # noqa: E402
from ecocompute.evalkit.schema import Scenario, load  # noqa: E402
from ecocompute.messages import Message, Reply  # noqa: E402
from ecocompute.prompting import system_prompt  # noqa: E402
from ecocompute.providers.base import Model, make_model  # noqa: E402

CASSETTES = ROOT / "evals" / "cassettes"
SCENARIOS = ROOT / "evals" / "scenarios" / "*.yaml"
MODEL_NAME = "loopback-scripted"
FAKE_KEY = "sk-loopback-FAKE-eval-key-0000"
FLAVOURS = {"openai": "loopback-openai/scripted", "anthropic": "loopback-anthropic/scripted"}
# A few scenarios per wire format, across protocols, one multi-turn and one Chinese.
RECORDED = {
    "openai": ("int8-symptom-mistral-4090d", "nf4-compare-qwen15b-5090", "srv-itl-deadline-8b-h100",
               "audit-int8-default-file", "srv-itl-tighten-followup"),
    "anthropic": ("int8-compare-yi-4090d", "srv-fp8-vs-bf16-small-batch", "nf4-zh-naive-optimize"),
}


class _Recording:
    """Wraps a model and keeps every reply, to plan the loopback server with them."""

    def __init__(self, inner: Model) -> None:
        self.id = inner.id
        self.inner = inner
        self.replies: list[Reply] = []

    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[Any]) -> Reply:
        reply = self.inner.complete(system, messages, tools)
        self.replies.append(reply)
        return reply


def offline_replies(scenario: Scenario, settings: RunSettings) -> list[Reply]:
    model = _Recording(make_model("offline"))
    converse(model, scenario.user_messages(Path(scenario.source).parent), settings)
    return model.replies


def planned(flavour: str, reply: Reply) -> Planned:
    if flavour == "openai":
        calls = [(c.id, c.name, json.dumps(c.arguments)) for c in reply.tool_calls]
        return openai_reply(reply.text or None, calls)
    return anthropic_reply(reply.text or None, [(c.id, c.name, c.arguments) for c in reply.tool_calls])


def model_for(flavour: str, url: str, *, key: str = FAKE_KEY) -> Model:
    base = f"{url}/v1" if flavour == "openai" else url
    return make_model(f"{flavour}:{MODEL_NAME}", base_url=base, api_key=key, max_retries=0)


def settings_for(flavour: str, url: str, mode: str) -> RunSettings:
    plan = CassettePlan(mode=mode, root=CASSETTES, label=FLAVOURS[flavour], model_id=f"{flavour}:{MODEL_NAME}",
                        scrubber=Scrubber([FAKE_KEY]))
    return RunSettings(make=lambda: model_for(flavour, url), system=system_prompt(), cassettes=plan)


def replay(flavour: str, scenario: Scenario) -> ScenarioResult:
    """Replay one cassette; the base URL is a closed loopback port that is never contacted."""
    return run_one(scenario, settings_for(flavour, "http://127.0.0.1:9", "none"))


def record(flavour: str, scenario: Scenario) -> ScenarioResult:
    base = RunSettings(make=lambda: make_model("offline"), system=system_prompt())
    with ScriptedServer() as server:
        server.push(*(planned(flavour, r) for r in offline_replies(scenario, base)))
        return run_one(scenario, settings_for(flavour, server.url, "all"))


def scenarios_by_id() -> dict[str, Scenario]:
    return {s.id: s for s in load(str(SCENARIOS))}


def main() -> int:
    everything = scenarios_by_id()
    failed = 0
    for flavour, ids in RECORDED.items():
        for scenario_id in ids:
            result = record(flavour, everything[scenario_id])
            failed += not result.passed
            print(f"{flavour:9} {scenario_id:34} {'ok' if result.passed else 'FAIL ' + '; '.join(result.failures)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
