"""Schema renderers agree with the tool signatures, and strict schemas satisfy OpenAI strict mode."""

from __future__ import annotations

import inspect
import json
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest
from pydantic import BaseModel, Field

from ecocompute.registry import TOOLS, ToolSpec
from ecocompute.schemas import (
    RENDERERS,
    anthropic_request_tool,
    export_all,
    openai_request_tool,
    strict_schema,
    to_anthropic,
    to_mcp,
    to_openai_chat,
    to_openai_responses,
)


class Window(BaseModel):
    """A nested argument (rendered through `$defs` by pydantic)."""

    start: int
    end: int | None = None


class Answer(BaseModel):
    ok: bool


def sample_tool(
    gpu: Annotated[str, Field(description="GPU name")],
    precision: Literal["fp16", "nf4", "int8_default"] | None,
    batch_size: Annotated[int, Field(ge=1, le=4096, description="Batch size")] = 1,
    title: Annotated[str | None, Field(description="A property literally called title")] = None,
    window: Window | None = None,
    regions: list[str] | None = None,
    share: float = 0.5,
) -> Answer:
    """Sample tool used to exercise the renderers.

    Second paragraph, not shown to the model.
    """
    return Answer(ok=True)


SAMPLE = ToolSpec.from_function(sample_tool)


def _resolvable_specs() -> list[Any]:
    params = []
    for spec in TOOLS:
        try:
            spec.input_schema()
        except ModuleNotFoundError as exc:
            params.append(pytest.param(spec, marks=pytest.mark.skip(reason=f"{spec.name}: {exc}")))
        else:
            params.append(pytest.param(spec, id=spec.name))
    return [pytest.param(SAMPLE, id="sample_tool"), *params]


_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array",
               dict: "object", type(None): "null"}


def _python_types(annotation: Any) -> set[str]:
    """JSON type names a parameter annotation allows."""
    if get_origin(annotation) is Annotated:
        return _python_types(get_args(annotation)[0])
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        return set().union(*(_python_types(a) for a in get_args(annotation)))
    if origin is Literal:
        return {_JSON_TYPES[type(v)] for v in get_args(annotation)}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {"object"}
    return {_JSON_TYPES[origin or annotation]}


def _schema_types(node: dict[str, Any]) -> set[str]:
    if "anyOf" in node:
        return set().union(*(_schema_types(v) for v in node["anyOf"]))
    kinds = node.get("type")
    if kinds is None and "enum" in node:
        return {_JSON_TYPES[type(v)] for v in node["enum"]}
    return set(kinds) if isinstance(kinds, list) else {kinds}


def _signature(spec: ToolSpec) -> dict[str, tuple[set[str], bool]]:
    hints = get_type_hints(spec.func, include_extras=True)
    params = inspect.signature(spec.func).parameters
    return {
        name: (_python_types(hints[name]), p.default is inspect.Parameter.empty)
        for name, p in params.items()
    }


def _renderings(spec: ToolSpec) -> dict[str, tuple[dict[str, Any], bool]]:
    """Each surface's parameter schema, and whether it is the strict flavour."""
    return {
        "openai-chat": (to_openai_chat(spec)["function"]["parameters"], True),
        "openai-responses": (to_openai_responses(spec)["parameters"], True),
        "anthropic": (to_anthropic(spec)["input_schema"], False),
        "mcp": (to_mcp(spec)["inputSchema"], False),
    }


@pytest.mark.parametrize("spec", _resolvable_specs())
def test_every_rendering_agrees_with_the_signature(spec: ToolSpec) -> None:
    signature = _signature(spec)
    for surface, (schema, strict) in _renderings(spec).items():
        props = schema["properties"]
        assert list(props) == list(signature), surface
        for name, (kinds, needed) in signature.items():
            rendered = _schema_types(props[name])
            if not needed:  # null means the default, on every surface
                assert rendered - {"null"} == kinds - {"null"} and "null" in rendered, (surface, name)
            else:
                assert rendered == kinds, (surface, name, rendered, kinds)
        required = set(schema.get("required", []))
        expected = set(signature) if strict else {n for n, (_, needed) in signature.items() if needed}
        assert required == expected, surface


def _walk(node: Any, path: str = "$"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key == "properties":
                for name, prop in value.items():
                    yield from _walk(prop, f"{path}.{name}")
            else:
                yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]")


@pytest.mark.parametrize("spec", _resolvable_specs())
def test_strict_schema_obeys_strict_mode_rules(spec: ToolSpec) -> None:
    schema = strict_schema(spec)
    assert schema["type"] == "object"
    banned = {"$ref", "$defs", "default", "title", "format", "minLength", "maxLength", "uniqueItems"}
    for path, node in _walk(schema):
        assert not banned & set(node), (path, banned & set(node))
        if node.get("type") == "object" or "properties" in node:
            assert node["additionalProperties"] is False, path
            assert node["required"] == list(node["properties"]), path


def test_strict_schema_keeps_bounds_as_keywords_and_states_defaults() -> None:
    props = strict_schema(SAMPLE)["properties"]
    batch = props["batch_size"]
    assert batch["type"] == ["integer", "null"]  # nullable as a type array, the form OpenAI documents
    assert batch["minimum"] == 1 and batch["maximum"] == 4096
    assert "null = 1" in batch["description"]
    assert props["precision"]["enum"] == ["fp16", "nf4", "int8_default", None]
    assert props["regions"]["type"] == ["array", "null"] and props["regions"]["items"] == {"type": "string"}
    nested = props["window"]["anyOf"][0]  # an object stays a union with null
    assert nested["required"] == ["start", "end"] and nested["additionalProperties"] is False


def test_a_property_named_title_survives() -> None:
    for render in RENDERERS.values():
        assert "title" in json.dumps(render(SAMPLE))
    assert "title" in strict_schema(SAMPLE)["properties"]
    assert "title" in to_anthropic(SAMPLE)["input_schema"]["properties"]


def test_renderers_carry_name_and_first_docstring_paragraph() -> None:
    for render in RENDERERS.values():
        text = json.dumps(render(SAMPLE))
        assert "sample_tool" in text and "exercise the renderers" in text
        assert "Second paragraph" not in text
    assert to_openai_chat(SAMPLE)["function"]["strict"] is True
    assert to_openai_responses(SAMPLE)["strict"] is True


def test_anthropic_and_mcp_keep_defaults_and_real_required() -> None:
    schema = to_anthropic(SAMPLE)["input_schema"]
    assert schema["properties"]["batch_size"]["default"] == 1
    assert schema["properties"]["batch_size"]["anyOf"][0]["minimum"] == 1
    assert schema["required"] == ["gpu", "precision"]
    assert to_mcp(SAMPLE)["inputSchema"] == schema


def test_strict_schema_is_pure() -> None:
    before = json.dumps(SAMPLE.input_schema(), sort_keys=True)
    strict_schema(SAMPLE)
    to_anthropic(SAMPLE)
    assert json.dumps(SAMPLE.input_schema(), sort_keys=True) == before


def test_null_means_default_in_the_spec() -> None:
    args = {"gpu": "A800", "precision": "nf4", "batch_size": None, "title": None, "window": None,
            "regions": None, "share": None}
    parsed = SAMPLE.parse(args)
    assert (parsed.batch_size, parsed.share, parsed.title) == (1, 0.5, None)
    assert SAMPLE.call(args) == Answer(ok=True)


def test_a_bound_is_a_keyword_on_every_surface() -> None:
    for render in (to_openai_chat, to_openai_responses, to_anthropic, to_mcp):
        text = json.dumps(render(SAMPLE))
        assert '"minimum": 1' in text and '"maximum": 4096' in text, render.__name__


def test_export_all_renders_given_specs_and_refuses_unknown_formats() -> None:
    assert [t["name"] for t in export_all("mcp", [SAMPLE])] == ["sample_tool"]
    with pytest.raises(ValueError, match="Unknown schema format 'xml'"):
        export_all("xml", [SAMPLE])


@pytest.mark.parametrize("spec", _resolvable_specs())
def test_the_lean_request_schema_keeps_names_types_bounds_and_real_required(spec: ToolSpec) -> None:
    """What the agent sends its own model: every argument, its types without the null branch, its real
    `required`; no null for an optional argument, no `default: null`, no strict flag (the registry validates
    either way)."""
    signature = _signature(spec)
    strict = strict_schema(spec)["properties"]
    for request in (openai_request_tool(spec)["function"]["parameters"], anthropic_request_tool(spec)["input_schema"]):
        props = request["properties"]
        assert list(props) == list(signature)
        for name, (kinds, needed) in signature.items():
            assert _schema_types(props[name]) == (kinds if needed else kinds - {"null"}), name
            for bound in ("minimum", "maximum", "exclusiveMinimum", "maxItems"):
                assert props[name].get(bound) == strict[name].get(bound), (name, bound)
            assert needed or props[name].get("default") is not None or "default" not in props[name], name
        assert set(request.get("required", [])) == {n for n, (_, needed) in signature.items() if needed}
        assert "strict" not in openai_request_tool(spec)["function"]


def test_a_call_that_leaves_out_every_optional_argument_is_what_null_means() -> None:
    args = {"gpu": "A800", "precision": "nf4"}
    assert SAMPLE.parse(args) == SAMPLE.parse({**args, "batch_size": None, "title": None, "window": None,
                                               "regions": None, "share": None})
