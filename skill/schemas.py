"""Tool schemas for every surface, rendered from the registry's `ToolSpec` (never hand-written).

Every schema states what the validator enforces: types, enums, bounds and nullability (an optional
argument is nullable everywhere, and null means its default). `strict_schema` adapts pydantic's JSON
schema to OpenAI strict mode: every object closed, every property required, `$ref`s inlined. Strict
mode takes numeric and array bounds and `pattern` as keywords (the OpenAI SDK's own strict tools send
`minimum`, `maximum`, `maxItems`); the few keywords it rejects are moved into the description.

Those are the exported surfaces, for clients that validate calls against them. The agent's own requests to
its model (`openai_request_tool`, `anthropic_request_tool`) send `lean_schema` instead: the same names,
types, enums, bounds and required arguments, but an optional argument is shown by leaving it out of
`required` (no null branch, no `default: null`), objects are not marked closed, and OpenAI strict mode is
off. The registry validates every call either way (unknown arguments are an input error the model reads and
corrects; null still means the default), so the lean form only costs the model less context on every turn.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

# Keywords strict mode rejects; the registry still enforces them, so the description states them.
DESCRIBED_ONLY = ("minLength", "maxLength", "format", "uniqueItems")
_DROPPED = ("title", "default", "examples", "$defs", "definitions")


class SchemaSource(Protocol):
    """What a renderer needs from a tool: the registry's `ToolSpec` satisfies it."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    def input_schema(self) -> dict[str, Any]: ...


def _resolve(ref: str, root: Mapping[str, Any]) -> dict[str, Any]:
    node: Any = root
    for key in ref.removeprefix("#/").split("/"):
        node = node[key]
    return node


def _inline(node: Any, root: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Replace every `$ref` by its definition (sibling keys win); recursive types are refused."""
    if isinstance(node, list):
        return [_inline(item, root, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise ValueError(f"Recursive schema reference {ref!r} cannot be inlined.")
        merged = {**_resolve(ref, root), **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline(merged, root, (*seen, ref))
    return {k: _inline(v, root, seen) for k, v in node.items()}


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """`node` that also allows null: `type: [X, "null"]` for a scalar or array (null added to an enum), as OpenAI
    documents for optional fields; an object (or a union) as an `anyOf` with null."""
    kind = node.get("type")
    if isinstance(kind, str) and kind != "object" and "anyOf" not in node:
        out = {**node, "type": [kind, "null"]}
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        return out
    return {"anyOf": [node, {"type": "null"}]}


def _collapse(node: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [{X}, {type: null}]` (pydantic's `X | None`) as `type: [X, "null"]`, other keys kept."""
    branches = node.get("anyOf")
    if not (isinstance(branches, list) and len(branches) == 2 and branches[1] == {"type": "null"}):
        return node
    inner = branches[0]
    if inner.get("type") in (None, "object") or not isinstance(inner["type"], str) or set(inner) & set(node) - {"anyOf"}:
        return node
    return {**_nullable(inner), **{k: v for k, v in node.items() if k != "anyOf"}}


def _is_nullable(node: Mapping[str, Any]) -> bool:
    kinds = node.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_is_nullable(v) for v in node.get("anyOf", []))


def _describe_constraints(node: dict[str, Any]) -> dict[str, Any]:
    found = {k: node.pop(k) for k in DESCRIBED_ONLY if k in node}
    default = node.get("default")
    notes = [f"{k}={json.dumps(v)}" for k, v in found.items()]
    if default is not None:
        notes.append(f"null = {json.dumps(default)}")
    if notes:
        base = node.get("description", "").rstrip()
        node["description"] = (base + " " if base else "") + f"({', '.join(notes)})"
    return node


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = _describe_constraints(dict(node))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "properties":
            out[key] = {name: _collapse(_strict(prop)) for name, prop in value.items()}
        elif key == "allOf" and len(value) == 1:
            out.update(_strict(value[0]))
        else:
            out[key] = _strict(value)
    if out.get("type") == "object" or "properties" in out:
        props = out.setdefault("properties", {})
        required = set(node.get("required", []))
        for name, prop in props.items():
            if name not in required and not _is_nullable(prop):
                props[name] = _nullable(prop)
        out["required"] = list(props)
        out["additionalProperties"] = False
    return out


def strict_schema(spec: SchemaSource) -> dict[str, Any]:
    """The tool's argument schema, valid for OpenAI strict mode."""
    schema = spec.input_schema()
    return _strict(_inline(copy.deepcopy(schema), schema))


def compact_schema(spec: SchemaSource) -> dict[str, Any]:
    """The pydantic schema with `$ref`s inlined and titles dropped (defaults kept): for Anthropic, MCP."""
    schema = spec.input_schema()
    return _drop_titles(_inline(copy.deepcopy(schema), schema))


def lean_schema(spec: SchemaSource) -> dict[str, Any]:
    """The compact schema with each optional argument's null branch and `default: null` left out (a required
    argument that takes null keeps it: there null is a value, not the default)."""
    return _lean(compact_schema(spec))


def _lean(node: Any) -> Any:
    if isinstance(node, list):
        return [_lean(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _lean(value) for key, value in node.items() if key not in ("properties", "additionalProperties")}
    if "properties" in node:
        required = set(node.get("required", []))
        out["properties"] = {name: _lean(prop) if name in required else _without_null(_lean(prop))
                             for name, prop in node["properties"].items()}
    return out


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """An optional property as its non-null branch (other keys kept), `default: null` dropped."""
    out = {k: v for k, v in prop.items() if not (k == "default" and v is None)}
    branches = out.get("anyOf")
    if isinstance(branches, list) and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        out.pop("anyOf")
        out = {**rest[0], **out} if len(rest) == 1 else {"anyOf": rest, **out}
    return out


def _drop_titles(node: Any) -> Any:
    if isinstance(node, list):
        return [_drop_titles(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("title", "$defs", "definitions"):
            continue
        if key == "properties":
            out[key] = {name: _drop_titles(prop) for name, prop in value.items()}
        else:
            out[key] = _drop_titles(value)
    return out


def to_openai_chat(spec: SchemaSource) -> dict[str, Any]:
    """A Chat Completions `tools` entry (strict function)."""
    return {
        "type": "function",
        "function": {
            "name": spec.name,
            "description": spec.description,
            "parameters": strict_schema(spec),
            "strict": True,
        },
    }


def openai_request_tool(spec: SchemaSource) -> dict[str, Any]:
    """The Chat Completions `tools` entry the agent sends its own model: lean, not strict (see the module)."""
    return {"type": "function", "function": {"name": spec.name, "description": spec.description,
                                             "parameters": lean_schema(spec)}}


def anthropic_request_tool(spec: SchemaSource) -> dict[str, Any]:
    """The Messages API `tools` entry the agent sends its own model: lean (see the module)."""
    return {"name": spec.name, "description": spec.description, "input_schema": lean_schema(spec)}


def to_openai_responses(spec: SchemaSource) -> dict[str, Any]:
    """A Responses API `tools` entry (strict function, flat shape)."""
    return {
        "type": "function",
        "name": spec.name,
        "description": spec.description,
        "parameters": strict_schema(spec),
        "strict": True,
    }


def to_anthropic(spec: SchemaSource) -> dict[str, Any]:
    """A Messages API `tools` entry."""
    return {"name": spec.name, "description": spec.description, "input_schema": compact_schema(spec)}


def to_mcp(spec: SchemaSource) -> dict[str, Any]:
    """An MCP `tools/list` entry."""
    return {"name": spec.name, "description": spec.description, "inputSchema": compact_schema(spec)}


RENDERERS: dict[str, Callable[[SchemaSource], dict[str, Any]]] = {
    "openai-chat": to_openai_chat,
    "openai-responses": to_openai_responses,
    "anthropic": to_anthropic,
    "mcp": to_mcp,
}


def export_all(fmt: str, specs: Iterable[SchemaSource] | None = None) -> list[dict[str, Any]]:
    """Every registry tool rendered for `fmt` (one of `RENDERERS`)."""
    render = RENDERERS.get(fmt)
    if render is None:
        raise ValueError(f"Unknown schema format {fmt!r}; choose one of {', '.join(RENDERERS)}.")
    if specs is None:
        from ecocompute.registry import TOOLS

        specs = TOOLS
    return [render(spec) for spec in specs]
