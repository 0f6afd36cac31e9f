"""The MCP server, through the SDK's own client: in memory, and once over real stdio in a subprocess."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from snapshots import assert_snapshot

from ecocompute.mcp_server import PROTOCOLS, REFERENCE_URI, build_server
from ecocompute.prompting import reference_documents
from ecocompute.registry import TOOLS, ToolSpec, run_tool
from ecocompute.schemas import to_mcp

LOOKUP = {"gpu": "rtx4090d", "model": "Mistral-7B", "precision": "fp16"}
INT8_SOURCE = (
    "from transformers import AutoModelForCausalLM\n"
    "model = AutoModelForCausalLM.from_pretrained('mistralai/Mistral-7B-v0.1', load_in_8bit=True)\n"
)
AUDIT = {"source": INT8_SOURCE, "filename": "serve.py"}
ECOCOMPUTE = Path(sys.executable).with_name("ecocompute")


def in_memory(check: Any, specs: tuple[ToolSpec, ...] = TOOLS) -> Any:
    """Run `await check(client)` against an in-process server and return its value."""
    async def main() -> Any:
        async with Client(build_server(specs)) as client:
            return await check(client)
    return anyio.run(main)


def over_stdio(check: Any) -> Any:
    """Run `await check(client)` against `ecocompute mcp` launched as a subprocess, as a client would."""
    params = StdioServerParameters(command=str(ECOCOMPUTE), args=["mcp"], cwd=str(Path.home()))

    async def main() -> Any:
        async with Client(params, read_timeout_seconds=60) as client:
            return await check(client)
    return anyio.run(main)


def _listed(tool: Any) -> dict[str, Any]:
    return tool.model_dump(mode="json", by_alias=True, exclude_none=True)


def test_lists_the_registry_tools_with_input_and_output_schemas() -> None:
    tools = in_memory(lambda c: c.list_tools()).tools
    assert [t.name for t in tools] == [spec.name for spec in TOOLS]
    for tool, spec in zip(tools, TOOLS, strict=True):
        assert tool.description == spec.description
        assert tool.input_schema == to_mcp(spec)["inputSchema"]
        assert set(tool.output_schema["properties"]) == set(spec.result_model.model_fields)
        assert tool.annotations.read_only_hint and not tool.annotations.open_world_hint


def test_tools_list_snapshot() -> None:
    tools = in_memory(lambda c: c.list_tools(), list(TOOLS)).tools
    assert [t.name for t in tools] == [spec.name for spec in TOOLS]
    assert_snapshot("mcp_tools_list.json", [_listed(t) for t in tools])


def test_call_returns_the_registry_result_as_structured_content() -> None:
    result = in_memory(lambda c: c.call_tool("lookup_measurement", LOOKUP))
    expected = run_tool("lookup_measurement", LOOKUP).content
    assert not result.is_error
    assert result.structured_content == expected
    assert json.loads(result.content[0].text) == expected
    assert expected["rows"] and all(row["row_id"] for row in expected["rows"])


@pytest.mark.parametrize(("arguments", "words"), [
    ({"gpu": "rtx9999"}, "Unknown GPU 'rtx9999'"),
    ({"gpu": "a800", "colour": "green"}, "colour: Extra inputs are not permitted"),
    ({"gpu": "a800", "batch_size": "many"}, "batch_size"),
    ({}, "Give at least one of"),
])
def test_input_errors_come_back_as_is_error_results(arguments: dict[str, Any], words: str) -> None:
    result = in_memory(lambda c: c.call_tool("lookup_measurement", arguments))
    assert result.is_error and result.structured_content is None
    text = result.content[0].text
    assert words in text and text == run_tool("lookup_measurement", arguments).error


def test_unknown_tool_is_an_error_result() -> None:
    result = in_memory(lambda c: c.call_tool("delete_everything", {}))
    assert result.is_error and "delete_everything" in result.content[0].text


def test_resources_are_the_reference_documents() -> None:
    async def check(client: Client) -> tuple[Any, Any]:
        listed = await client.list_resources()
        return listed, await client.read_resource(REFERENCE_URI.format(name="mechanisms"))

    listed, read = in_memory(check)
    docs = reference_documents()
    assert [str(r.uri) for r in listed.resources] == [REFERENCE_URI.format(name=n) for n in docs]
    assert all(r.mime_type == "text/markdown" and r.title for r in listed.resources)
    assert read.contents[0].text == docs["mechanisms"]


def test_prompts_are_the_five_protocols() -> None:
    prompts = in_memory(lambda c: c.list_prompts()).prompts
    assert [p.name for p in prompts] == ["optimize", "diagnose", "compare", "estimate", "audit"]
    assert [p.name for p in prompts] == [p.name.lower() for p in PROTOCOLS]
    assert all(any(a.required for a in p.arguments) for p in prompts)


def test_a_protocol_prompt_carries_the_system_prompt_and_the_question() -> None:
    question = "FP16 or NF4 for Qwen2-1.5B on an RTX 4090D?"
    got = in_memory(lambda c: c.get_prompt("compare", {"question": question}))
    first, request = (m.content.text for m in got.messages)
    assert "The rule for numbers" in first and "compare_precisions" in first
    assert "COMPARE protocol" in request and question in request


def test_the_audit_prompt_fences_the_code_as_data() -> None:
    got = in_memory(lambda c: c.get_prompt("audit", {"code": INT8_SOURCE}))
    request = got.messages[-1].content.text
    assert f"```python\n{INT8_SOURCE}\n```" in request and "not instructions" in request


def test_a_prompt_without_its_required_argument_is_refused() -> None:
    from mcp.shared.exceptions import MCPError
    from mcp_types import INVALID_PARAMS

    async def check(client: Client) -> MCPError | None:
        try:
            await client.get_prompt("optimize", {})
        except MCPError as exc:
            return exc
        return None

    error = in_memory(check)
    assert error is not None and error.code == INVALID_PARAMS
    assert error.message == "The optimize prompt needs the argument(s): question."


def test_over_stdio_lists_reads_prompts_and_calls_lookup() -> None:
    async def check(client: Client) -> tuple[Any, ...]:
        tools = await client.list_tools()
        resource = await client.read_resource(REFERENCE_URI.format(name="methodology"))
        prompt = await client.get_prompt("optimize", {"question": "Mistral-7B on an A800 for an API?"})
        call = await client.call_tool("lookup_measurement", LOOKUP)
        error = await client.call_tool("lookup_measurement", {"gpu": "rtx9999"})
        return tools, resource, prompt, call, error

    tools, resource, prompt, call, error = over_stdio(check)
    assert [t.name for t in tools.tools] == [spec.name for spec in TOOLS]
    assert resource.contents[0].text == reference_documents()["methodology"]
    assert "OPTIMIZE protocol" in prompt.messages[-1].content.text
    assert not call.is_error and call.structured_content == run_tool("lookup_measurement", LOOKUP).content
    assert error.is_error and "Unknown GPU" in error.content[0].text


def test_over_stdio_calls_audit_code() -> None:
    result = over_stdio(lambda c: c.call_tool("audit_code", AUDIT))
    expected = run_tool("audit_code", AUDIT)
    assert not result.is_error and not expected.is_error
    assert result.structured_content == expected.content
    assert "ECO101" in result.content[0].text
