"""The tool contract: what a client may send under an exported schema is what the tool accepts.

For every registry tool and every export format, arguments are drawn from the exported schema itself
(checked with `jsonschema`); the call is accepted or fails with a typed domain error, never with a
malformed-input error. And `null` for every optional argument means its default through `run_tool`,
`ecocompute tool`, the bundled skill scripts and an MCP client. Run with
`--hypothesis-show-statistics` to see the outcome counts per tool and format.
"""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

import anyio
import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from mcp import Client
from pydantic import BaseModel, Field
from support.schema_strategy import from_schema

from ecocompute.cli import main
from ecocompute.commands.export import run_script
from ecocompute.loop import run_agent
from ecocompute.mcp_server import build_server
from ecocompute.providers.scripted import ScriptedModel, step
from ecocompute.registry import TOOLS, ToolSpec, run_tool
from ecocompute.schemas import to_anthropic, to_mcp, to_openai_chat, to_openai_responses
from ecocompute.tools.dataset import load
from ecocompute.tools.errors import DOMAIN_CODES
from ecocompute.tools.names import PRECISIONS

EXAMPLES = int(os.environ.get("ECOCOMPUTE_CONTRACT_EXAMPLES", "25"))  # per tool and format
FORMATS = {
    "openai-chat": lambda s: to_openai_chat(s)["function"]["parameters"],
    "openai-responses": lambda s: to_openai_responses(s)["parameters"],
    "anthropic": lambda s: to_anthropic(s)["input_schema"],
    "mcp": lambda s: to_mcp(s)["inputSchema"],
}
INT8 = "from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained('x', load_in_8bit=True)\n"
# The smallest arguments each tool answers; every other argument is then sent as null.
MINIMAL: dict[str, dict[str, Any]] = {
    "lookup_measurement": {"gpu": "rtx4090d"},
    "compare_precisions": {"gpu": "rtx4090d", "model": "Mistral-7B"},
    "compare_gpus": {"model": "Llama-3.1-8B"},
    "estimate_cost": {"gpu": "rtx4090d", "model": "Mistral-7B", "requests_per_month": 1_000_000},
    "recommend_config": {"gpu": "rtx4090d", "model": "Mistral-7B"},
    "diagnose": {"gpu": "rtx4090d", "model": "Mistral-7B"},
    "audit_code": {"source": INT8},
}


def _words() -> dict[str, list[str]]:
    """Names the data knows per argument, so that a share of the drawn calls is answered, not refused."""
    data = load()
    gpus = sorted({m.gpu for m in data.primary()})
    return {"gpu": gpus, "gpus": gpus, "model": sorted({m.model for m in data.primary()}), "precision": list(PRECISIONS),
            "engine": ["transformers", "vllm"], "source": [INT8]}


WORDS = _words()


def _with_nulls(spec: ToolSpec) -> dict[str, Any]:
    optional = {f: None for f, info in spec.args_model.model_fields.items() if not info.is_required()}
    return {**optional, **MINIMAL[spec.name]}


def test_every_registry_tool_has_minimal_arguments() -> None:
    assert set(MINIMAL) == {spec.name for spec in TOOLS}


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_schema_valid_arguments_are_accepted_or_a_domain_error(spec: ToolSpec, fmt: str, data: st.DataObject) -> None:
    schema = FORMATS[fmt](spec)
    arguments = data.draw(from_schema(schema, WORDS))
    jsonschema.validate(arguments, schema)  # the generator draws only what the exported schema allows
    outcome = run_tool(spec, arguments)
    event(f"{spec.name} {fmt}: " + (outcome.failure.code if outcome.failure else "accepted"))
    if outcome.failure is not None:
        assert outcome.failure.code in DOMAIN_CODES, (arguments, outcome.failure)


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_all_null_optionals_mean_defaults_through_run_tool_cli_and_script(
        spec: ToolSpec, capsys: pytest.CaptureFixture[str]) -> None:
    expected = run_tool(spec, MINIMAL[spec.name])
    nulls = _with_nulls(spec)
    assert not expected.is_error, expected.error
    assert run_tool(spec.name, nulls).content == expected.content
    assert main(["tool", spec.name, "--args", json.dumps(nulls)]) == 0
    assert json.loads(capsys.readouterr().out) == expected.content
    assert run_script(spec.name, ["--args", json.dumps(nulls)], bundle_version=_version()) == 0
    assert json.loads(capsys.readouterr().out) == expected.content


def test_all_null_optionals_mean_defaults_through_an_mcp_client() -> None:
    async def calls() -> list[Any]:
        async with Client(build_server(TOOLS)) as client:
            return [await client.call_tool(spec.name, _with_nulls(spec)) for spec in TOOLS]

    for spec, result in zip(TOOLS, anyio.run(calls), strict=True):
        assert not result.is_error, (spec.name, result.content)
        assert result.structured_content == run_tool(spec, MINIMAL[spec.name]).content, spec.name


def _version() -> str:
    from ecocompute import __version__

    return __version__


class Shout(BaseModel):
    text: str
    times: int


def shout(text: Annotated[str, Field(description="What to shout")],
          times: Annotated[int, Field(ge=1, le=3, description="How often")] = 1) -> Shout:
    """Shout a word (a custom tool that exists only in this test)."""
    return Shout(text=text.upper(), times=times)


CUSTOM = ToolSpec.from_function(shout)


def test_a_custom_tool_runs_in_the_agent_loop() -> None:
    model = ScriptedModel([step("", ("shout", {"text": "hi", "times": None})), step("Done.")])
    transcript = run_agent(model, "Shout hi.", system="S", tools=[CUSTOM])
    (run,) = transcript.tool_runs
    assert not run.result.is_error, run.result.content
    assert json.loads(run.result.content) == {"text": "HI", "times": 1}
    assert model.requests[0][2] == ["shout"]


def test_a_custom_tool_runs_in_the_mcp_server() -> None:
    async def check() -> tuple[Any, Any]:
        async with Client(build_server([CUSTOM])) as client:
            return await client.list_tools(), await client.call_tool("shout", {"text": "hi", "times": 2})

    listed, result = anyio.run(check)
    assert [t.name for t in listed.tools] == ["shout"]
    assert not result.is_error and result.structured_content == {"text": "HI", "times": 2}


def test_a_custom_tool_takes_typed_cli_flags() -> None:
    import argparse

    from ecocompute.commands.friendly import add_tool_flags

    parser = argparse.ArgumentParser()
    add_tool_flags(parser, CUSTOM)
    ns = parser.parse_args(["--text", "hi", "--times", "2"])
    assert (ns.text, ns.times) == ("hi", 2)
    assert run_tool(CUSTOM, vars(ns)).content == {"text": "HI", "times": 2}
