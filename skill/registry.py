"""The one declaration of EcoCompute's tools; every surface (loop, CLI, MCP, exports) reads it.

A `ToolSpec` holds a plain typed function (`ToolSpec.from_function(fn)`); the registry's own tools are
declared with `ToolSpec.lazy` so that a command running one tool imports only that tool's module
(importing all seven costs about 40 ms of cold start). The spec owns the contract: the arguments
model built from the signature, where `null` for an optional argument means its default, is both what
the schemas export and what `call` validates. A tool whose arguments changed may declare `legacy`, a
function that rewrites the earlier spelling into the current one (`normalise`): old calls keep working
and graders compare calls by meaning, while the schemas show only the current spelling.
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Callable, Mapping
from functools import cached_property
from importlib import import_module
from typing import Any, ClassVar, Optional, cast, get_args, get_type_hints

from pydantic import BaseModel, ConfigDict, SerializeAsAny, ValidationError, create_model, model_validator
from pydantic.fields import FieldInfo

from ecocompute.read_reference import read_reference
from ecocompute.tools.errors import InvalidArguments, ToolError, ToolInputError

ToolFunction = Callable[..., BaseModel]
Legacy = Callable[[Mapping[str, Any]], dict[str, Any]]


class ToolArguments(BaseModel):
    """Base of every generated arguments model: extra keys forbidden, null means default."""

    model_config = ConfigDict(extra="forbid")
    null_means_default: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _null_is_default(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if not (v is None and k in cls.null_means_default)}
        return data


class ToolSpec:
    """A tool: its public name and its typed function (given, or imported on first use)."""

    def __init__(self, name: str, func: ToolFunction | None = None, *, target: str | None = None,
                 legacy: str | Legacy | None = None) -> None:
        if (func is None) == (target is None):
            raise ValueError("A ToolSpec needs exactly one of func or target.")
        self.name = name
        self._func = func
        self.target = target  # "module:function" under ecocompute.tools, imported lazily
        self._legacy = legacy  # a function, or "module:function" under ecocompute.tools

    @classmethod
    def from_function(cls, func: ToolFunction, name: str | None = None) -> ToolSpec:
        """A spec for any typed function (keyword parameters, a pydantic return type, a docstring)."""
        return cls(name or func.__name__, func)

    @classmethod
    def lazy(cls, name: str, target: str, legacy: str | None = None) -> ToolSpec:
        return cls(name, target=target, legacy=legacy)

    def __repr__(self) -> str:
        return f"ToolSpec({self.name!r})"

    @cached_property
    def func(self) -> ToolFunction:
        if self._func is not None:
            return self._func
        module, _, attr = (self.target or "").partition(":")
        return getattr(import_module(f"ecocompute.tools.{module}"), attr)

    def normalise(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """`arguments` in the current spelling (an earlier spelling rewritten by the tool's `legacy` function);
        not validated. A conflict between spellings raises `ToolInputError`."""
        legacy = self._legacy
        if isinstance(legacy, str):
            module, _, attr = legacy.partition(":")
            legacy = getattr(import_module(f"ecocompute.tools.{module}"), attr)
        return legacy(arguments) if legacy is not None else dict(arguments)

    @cached_property
    def description(self) -> str:
        """The docstring's first paragraph: what the model sees."""
        doc = inspect.getdoc(self.func) or ""
        return " ".join(doc.split("\n\n")[0].split())

    @cached_property
    def args_model(self) -> type[ToolArguments]:
        """A pydantic model from the signature: extra keys forbidden, every optional argument nullable."""
        hints = get_type_hints(self.func, include_extras=True)
        fields: dict[str, Any] = {}
        defaulted: set[str] = set()
        for pname, param in inspect.signature(self.func).parameters.items():
            if param.default is inspect.Parameter.empty:
                fields[pname] = (hints[pname], ...)
                continue
            info = FieldInfo.from_annotated_attribute(hints[pname], param.default)
            if not _allows_none(info.annotation):
                info.annotation = cast(Any, Optional[info.annotation])  # noqa: UP045 (a runtime type, not an annotation)
                defaulted.add(pname)
            fields[pname] = (info.annotation, info)
        camel = "".join(part.title() for part in self.name.split("_"))
        model = create_model(f"{camel}Args", __base__=ToolArguments, **fields)
        model.null_means_default = frozenset(defaulted)
        return model

    @cached_property
    def result_model(self) -> type[BaseModel]:
        return get_type_hints(self.func)["return"]

    def input_schema(self) -> dict[str, Any]:
        """JSON schema of the arguments, as pydantic renders it (renderers adapt it per target)."""
        return self.args_model.model_json_schema()

    def parse(self, arguments: Mapping[str, Any]) -> ToolArguments:
        """Validate `arguments` (null = default); a schema violation raises `ToolInputError`."""
        try:
            return self.args_model.model_validate(self.normalise(arguments))
        except ValidationError as exc:
            problems = _problems(exc)
            raise ToolInputError(f"Invalid arguments for {self.name}: " + "; ".join(problems[:4]) + ".",
                                 code="invalid_arguments", details=InvalidArguments(problems=problems)) from None

    def call(self, arguments: Mapping[str, Any]) -> BaseModel:
        """Validate `arguments` and run the tool; bad input raises `ToolInputError`."""
        args = self.parse(arguments)
        return self.func(**{k: getattr(args, k) for k in type(args).model_fields})


def _allows_none(annotation: Any) -> bool:
    return annotation in (Any, None, type(None)) or type(None) in get_args(annotation)


def _problems(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "arguments"
        out.append(f"{where}: {err['msg']}")
    return out


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec.lazy("lookup_measurement", "lookup:lookup_measurement"),
    ToolSpec.lazy("compare_precisions", "compare:compare_precisions"),
    ToolSpec.lazy("compare_gpus", "compare_gpus:compare_gpus"),
    ToolSpec.lazy("estimate_cost", "estimate:estimate_cost", legacy="volume:legacy_arguments"),
    ToolSpec.lazy("recommend_config", "recommend:recommend_config"),
    ToolSpec.lazy("diagnose", "diagnose:diagnose"),
    ToolSpec.lazy("audit_code", "audit.tool:audit_code"),
    ToolSpec.from_function(read_reference),
)
_BY_NAME = {spec.name: spec for spec in TOOLS}


def tool_names() -> list[str]:
    return [spec.name for spec in TOOLS]


def get_tool(name: str) -> ToolSpec:
    """The spec for `name`, or a `ToolInputError` listing the tools."""
    spec = _BY_NAME.get(name)
    if spec is None:
        raise ToolInputError(f"Unknown tool {name!r}. Tools: {', '.join(tool_names())}.", code="unknown_tool")
    return spec


class ToolOutcome(BaseModel):
    """What a tool call produced: the typed result (kept typed until an edge serialises it), or a typed
    error the caller can correct."""

    model_config = ConfigDict(frozen=True)

    name: str
    is_error: bool
    result: SerializeAsAny[BaseModel] | None = None
    failure: ToolError | None = None

    @property
    def content(self) -> dict[str, Any]:
        """The result as JSON data: for the edges (CLI, MCP structured content, scripts, the model's text)."""
        return self.result.model_dump(mode="json") if self.result is not None else {}

    @property
    def error(self) -> str | None:
        """The error sentence (None on success)."""
        return self.failure.message if self.failure else None

    def as_text(self) -> str:
        """The text fed back to a model: the JSON result or the error sentence."""
        if self.failure is not None:
            return json.dumps({"error": self.failure.message})
        return json.dumps(self.content, ensure_ascii=False)


def failed(name: str, exc: ToolInputError) -> ToolOutcome:
    return ToolOutcome(name=name, is_error=True, failure=exc.as_error())


def run_tool(tool: str | ToolSpec, arguments: Mapping[str, Any]) -> ToolOutcome:
    """Run a tool (a spec, or a registry name). Input errors become `is_error` outcomes; anything else is a bug."""
    name = tool.name if isinstance(tool, ToolSpec) else tool
    try:
        spec = tool if isinstance(tool, ToolSpec) else get_tool(tool)
        result = spec.call(arguments)
    except ToolInputError as exc:
        return failed(name, exc)
    field = non_finite(result.model_dump(mode="json"))
    if field is not None:  # the one edge every surface (CLI, MCP, loop, scripts) passes: JSON has no inf/NaN
        return failed(name, ToolInputError(f"{name} has no finite value for {field} with these inputs "
                                           "(out of the range the data supports).", code="bad_value"))
    return ToolOutcome(name=name, is_error=False, result=result)


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


def parse_result(tool: str | ToolSpec, text: str) -> BaseModel | None:
    """A tool result read back from its JSON text (e.g. from a transcript) as the tool's result model;
    None for an unknown tool or text that is not that model (an error result, a truncated one)."""
    try:
        spec = tool if isinstance(tool, ToolSpec) else get_tool(tool)
        return spec.result_model.model_validate_json(text)
    except (ToolInputError, ValidationError):
        return None
