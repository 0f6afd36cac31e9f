"""The one declaration of EcoCompute's tools; every surface (loop, CLI, MCP, exports) reads it.

Tool modules are imported lazily so that a command running one tool pays only for that tool.
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from ecocompute.tools.errors import ToolInputError


@dataclass(frozen=True)
class ToolSpec:
    """A tool: its public name and where its plain typed function lives."""

    name: str
    target: str  # "module:function" under ecocompute.tools

    @cached_property
    def func(self) -> Callable[..., BaseModel]:
        module, _, attr = self.target.partition(":")
        return getattr(import_module(f"ecocompute.tools.{module}"), attr)

    @cached_property
    def description(self) -> str:
        """The docstring's first paragraph: what the model sees."""
        doc = inspect.getdoc(self.func) or ""
        return " ".join(doc.split("\n\n")[0].split())

    @cached_property
    def args_model(self) -> type[BaseModel]:
        """A pydantic model built from the function's signature (extra keys forbidden)."""
        hints = get_type_hints(self.func, include_extras=True)
        fields: dict[str, Any] = {}
        for pname, param in inspect.signature(self.func).parameters.items():
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[pname] = (hints[pname], default)
        camel = "".join(part.title() for part in self.name.split("_"))
        return create_model(f"{camel}Args", __config__=ConfigDict(extra="forbid"), **fields)

    @cached_property
    def result_model(self) -> type[BaseModel]:
        return get_type_hints(self.func)["return"]

    def input_schema(self) -> dict[str, Any]:
        """JSON schema of the arguments, as pydantic renders it (renderers adapt it per target)."""
        return self.args_model.model_json_schema()

    def call(self, arguments: Mapping[str, Any]) -> BaseModel:
        """Validate `arguments` and run the tool; bad input raises `ToolInputError`."""
        try:
            args = self.args_model.model_validate(dict(arguments))
        except ValidationError as exc:
            raise ToolInputError(_validation_sentence(self.name, exc)) from None
        return self.func(**{k: getattr(args, k) for k in type(args).model_fields})


def _validation_sentence(tool: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:4]:
        where = ".".join(str(p) for p in err["loc"]) or "arguments"
        parts.append(f"{where}: {err['msg']}")
    return f"Invalid arguments for {tool}: " + "; ".join(parts) + "."


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("lookup_measurement", "lookup:lookup_measurement"),
    ToolSpec("compare_precisions", "compare:compare_precisions"),
    ToolSpec("compare_gpus", "compare_gpus:compare_gpus"),
    ToolSpec("estimate_cost", "estimate:estimate_cost"),
    ToolSpec("recommend_config", "recommend:recommend_config"),
    ToolSpec("diagnose", "diagnose:diagnose"),
    ToolSpec("audit_code", "audit.tool:audit_code"),
)
_BY_NAME = {spec.name: spec for spec in TOOLS}


def tool_names() -> list[str]:
    return [spec.name for spec in TOOLS]


def get_tool(name: str) -> ToolSpec:
    """The spec for `name`, or a `ToolInputError` listing the tools."""
    spec = _BY_NAME.get(name)
    if spec is None:
        raise ToolInputError(f"Unknown tool {name!r}. Tools: {', '.join(tool_names())}.")
    return spec


class ToolOutcome(BaseModel):
    """What a tool call produced: a JSON result, or an input error the caller can correct."""

    model_config = ConfigDict(frozen=True)

    name: str
    is_error: bool
    content: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None

    def as_text(self) -> str:
        """The text fed back to a model: the JSON result or the error sentence."""
        if self.is_error:
            return json.dumps({"error": self.error})
        return json.dumps(self.content, ensure_ascii=False)


def run_tool(name: str, arguments: Mapping[str, Any]) -> ToolOutcome:
    """Run a tool by name. Input errors become `is_error` outcomes; anything else is a bug."""
    try:
        result = get_tool(name).call(arguments)
    except ToolInputError as exc:
        return ToolOutcome(name=name, is_error=True, error=exc.message)
    content = result.model_dump(mode="json")
    field = non_finite(content)
    if field is not None:  # the one edge every surface (CLI, MCP, loop, scripts) passes: JSON has no inf/NaN
        return ToolOutcome(name=name, is_error=True, error=f"{name} has no finite value for {field} with these "
                                                            "inputs (out of the range the data supports).")
    return ToolOutcome(name=name, is_error=False, content=content)


def non_finite(node: Any, path: str = "result") -> str | None:
    """The path of the first NaN or infinite number in a JSON-like value, or None."""
    if isinstance(node, float) and not math.isfinite(node):
        return path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found = non_finite(value, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]")
        if found is not None:
            return found
    return None
