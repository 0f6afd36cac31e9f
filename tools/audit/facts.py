"""The facts one walk of a module records (`collect.py` fills them; the rules read them)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

MODULE_SCOPE = 0
PIPELINE_MAKERS = frozenset({"pipeline", "Llama"})  # calls that make a per-item callable model object
_BATCH_WORDS = ("batch", "chunk")


@dataclass(frozen=True, slots=True)
class Loop:
    """The innermost `for` loop or comprehension around a call (within one function)."""

    batched: bool  # iterates over batches/chunks, or a range with a step: not a per-item loop
    iter: ast.expr | None = None  # what it iterates over


def _names(node: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]


def loop_of(target: ast.expr, iterable: ast.expr) -> Loop:
    """The loop `for target in iterable`: batched when its names say batch/chunk or it is a stepped range."""
    words = [w.lower() for w in _names(target) + _names(iterable)]
    if isinstance(iterable, ast.Call):
        name = callee(iterable)[1]
        words.append(name.lower())
        if name == "range" and len(iterable.args) == 3:
            return Loop(batched=True, iter=iterable)
    return Loop(batched=any(b in w for w in words for b in _BATCH_WORDS), iter=iterable)


@dataclass(frozen=True, slots=True)
class CallSite:
    """One call: `name` is the dotted callee ("AutoModel.from_pretrained", "?.to" after a call)."""

    node: ast.Call
    name: str
    attr: str
    scope: int
    loop: Loop | None
    awaited: bool = False  # `await call(...)`: the loop waits for each result
    iterated: bool = False  # `for x in call(...)`: a generator (e.g. a template's generate())


@dataclass(frozen=True, slots=True)
class Function:
    """A function (or method) the walk entered: its scope id is the key in `Facts.functions`."""

    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    is_async: bool
    params: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AttrStore:
    """`target = value` where target is an attribute chain such as `model.config.use_cache`."""

    node: ast.stmt
    target: str
    value: ast.expr
    scope: int


@dataclass(slots=True)
class Facts:
    """What one walk found in a module."""

    calls: list[CallSite] = field(default_factory=list)
    # (scope, name) -> bound expressions; None marks a binding with no static value (parameter,
    # loop variable, import, augmented assignment, tuple unpacking).
    bindings: dict[tuple[int, str], list[ast.expr | None]] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)
    functions: dict[int, Function] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> "module.name"
    attr_stores: list[AttrStore] = field(default_factory=list)
    gpu: bool = False
    training: bool = False
    training_scopes: set[int] = field(default_factory=set)
    torch_compile: bool = False
    generation: bool = False  # a generate call, a pipeline or a GenerationConfig
    pins: dict[str, str] = field(default_factory=dict)  # package pins next to the file (versions.py)
    pipeline_vars: set[str] = field(default_factory=set)  # names bound to a pipeline / llama-cpp object
    memo: dict[str, object] = field(default_factory=dict)  # derived facts computed once (generation.py)


def dotted(node: ast.AST) -> str | None:
    """"a.b.c" for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def callee(node: ast.Call) -> tuple[str, str]:
    """(dotted name or "?.attr", last segment) of a call's function."""
    func = node.func
    name = dotted(func)
    if name is not None:
        return name, name.rpartition(".")[2]
    if isinstance(func, ast.Attribute):
        return f"?.{func.attr}", func.attr
    return "?", ""
