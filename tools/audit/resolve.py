"""Static value resolution over the facts of one walk: literals, simple variables (per scope, then
enclosing scopes), module constants, f-strings, string concatenation, dict literals and `dict(...)`
passed with `**`, and calls held in variables (e.g. a `BitsAndBytesConfig`). Anything else is
`UNKNOWN`; nothing is evaluated, imported or run.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ecocompute.tools.audit.collect import MODULE_SCOPE, Facts, callee, dotted

_MAX_DEPTH = 12


class _Unknown:
    """A value that cannot be known without running the code."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True, slots=True)
class Partial:
    """A string with parts not known statically (None), e.g. f"org/{name}-1.5B"."""

    parts: tuple[str | None, ...]

    def literals(self) -> list[str]:
        """The known parts, in order."""
        return [p for p in self.parts if p]

    def display(self) -> str:
        """The string with each unknown part shown as `{…}`."""
        return "".join("{…}" if p is None else p for p in self.parts)


@dataclass(frozen=True, slots=True, eq=False)
class CallValue:
    """A call whose result a variable holds; `attr` is the callee's last segment."""

    name: str
    attr: str
    node: ast.Call
    scope: int


@dataclass(frozen=True, slots=True)
class Dotted:
    """A dotted reference such as `torch.float16` or `args.int8` (its value is not known)."""

    name: str


class DictValue(dict):
    """A statically built dict; `complete` is False when part of it could not be resolved."""

    complete: bool = True


@dataclass(slots=True)
class Kwargs:
    """The effective keyword arguments of a call, `**dicts` merged in."""

    values: dict[str, object]
    opaque: bool  # some `**` expansion could not be resolved


class Resolver:
    """Resolves expressions of one module against its bindings."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self._memo: dict[tuple[int, str], object] = {}

    def value(self, node: ast.expr, scope: int, depth: int = 0) -> object:
        """The static value of an expression in `scope`: a literal, Partial, Dotted, CallValue, DictValue or UNKNOWN."""
        if depth > _MAX_DEPTH:
            return UNKNOWN
        handler = _HANDLERS.get(type(node))
        return handler(self, node, scope, depth + 1) if handler else UNKNOWN

    def lookup(self, name: str, scope: int, depth: int) -> object:
        """The value bound to `name` in `scope` or its enclosing scopes (UNKNOWN when bindings disagree)."""
        while True:
            bound = self.facts.bindings.get((scope, name))
            if bound is not None:
                key = (scope, name)
                if key not in self._memo:
                    self._memo[key] = UNKNOWN  # a self-referential binding stays unknown
                    self._memo[key] = self._merge(bound, scope, depth)
                return self._memo[key]
            if scope == MODULE_SCOPE:
                return UNKNOWN
            scope = self.facts.parents[scope]

    def candidates(self, name: str, scope: int) -> list[tuple[ast.expr, int]]:
        """Every expression `name` is bound to in the nearest scope that binds it (with that scope)."""
        while (scope, name) not in self.facts.bindings and scope != MODULE_SCOPE:
            scope = self.facts.parents[scope]
        return [(b, scope) for b in self.facts.bindings.get((scope, name), []) if b is not None]

    def _merge(self, bound: list[ast.expr | None], scope: int, depth: int) -> object:
        if any(b is None for b in bound):
            return UNKNOWN
        values = [self.value(b, scope, depth) for b in bound]  # type: ignore[arg-type]
        first = values[0]
        return first if all(_same(v, first) for v in values[1:]) else UNKNOWN

    def kwargs(self, call: ast.Call, scope: int, depth: int = 0) -> Kwargs:
        """The keywords of `call` with `**dict` expansions resolved; opaque when an expansion is not known."""
        values: dict[str, object] = {}
        opaque = False
        for kw in call.keywords:
            if kw.arg is not None:
                values[kw.arg] = self.value(kw.value, scope, depth)
                continue
            expanded = self.value(kw.value, scope, depth)
            if isinstance(expanded, DictValue):
                values.update(expanded)
                opaque = opaque or not expanded.complete
            else:
                opaque = True
        return Kwargs(values, opaque)


def _same(a: object, b: object) -> bool:
    return a is b or (type(a) is type(b) and a == b and not isinstance(a, _Unknown))


def _constant(r: Resolver, node: ast.Constant, scope: int, depth: int) -> object:
    return node.value


def _name(r: Resolver, node: ast.Name, scope: int, depth: int) -> object:
    return r.lookup(node.id, scope, depth)


def _attribute(r: Resolver, node: ast.Attribute, scope: int, depth: int) -> object:
    name = dotted(node)
    return Dotted(name) if name else UNKNOWN


def _joined(r: Resolver, node: ast.JoinedStr, scope: int, depth: int) -> object:
    parts: list[str | None] = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            parts.append(str(part.value))
            continue
        value = r.value(part.value, scope, depth) if isinstance(part, ast.FormattedValue) else UNKNOWN
        plain = isinstance(part, ast.FormattedValue) and part.conversion == -1 and part.format_spec is None
        if plain and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            parts.append(str(value))
        elif plain and isinstance(value, Partial):
            parts.extend(value.parts)
        else:
            parts.append(None)
    return _string(parts)


def _string(parts: list[str | None]) -> str | Partial:
    if all(p is not None for p in parts):
        return "".join(parts)  # type: ignore[arg-type]
    return Partial(tuple(parts))


def _binop(r: Resolver, node: ast.BinOp, scope: int, depth: int) -> object:
    if not isinstance(node.op, ast.Add):
        return UNKNOWN
    left, right = r.value(node.left, scope, depth), r.value(node.right, scope, depth)
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left + right
    if isinstance(left, (str, Partial)) or isinstance(right, (str, Partial)):
        return _string([*_str_parts(left), *_str_parts(right)])
    return UNKNOWN


def _str_parts(value: object) -> list[str | None]:
    if isinstance(value, str):
        return [value]
    return list(value.parts) if isinstance(value, Partial) else [None]


def _unary(r: Resolver, node: ast.UnaryOp, scope: int, depth: int) -> object:
    value = r.value(node.operand, scope, depth)
    if isinstance(node.op, ast.USub) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return -value
    if isinstance(node.op, ast.Not) and isinstance(value, (bool, int, str, type(None))):
        return not value
    return UNKNOWN


def _dict(r: Resolver, node: ast.Dict, scope: int, depth: int) -> object:
    out = DictValue()
    for key, item in zip(node.keys, node.values, strict=True):
        if key is None:
            inner = r.value(item, scope, depth)
            if isinstance(inner, DictValue):
                out.update(inner)
                out.complete = out.complete and inner.complete
            else:
                out.complete = False
        elif isinstance(key, ast.Constant) and isinstance(key.value, str):
            out[key.value] = r.value(item, scope, depth)
        else:
            out.complete = False
    return out


def _call(r: Resolver, node: ast.Call, scope: int, depth: int) -> object:
    name, attr = callee(node)
    if name == "dict" and not node.args:
        kw = r.kwargs(node, scope, depth)
        out = DictValue(kw.values)
        out.complete = not kw.opaque
        return out
    return CallValue(name, attr, node, scope)


_HANDLERS = {
    ast.Constant: _constant, ast.Name: _name, ast.Attribute: _attribute, ast.JoinedStr: _joined,
    ast.BinOp: _binop, ast.UnaryOp: _unary, ast.Dict: _dict, ast.Call: _call,
}
