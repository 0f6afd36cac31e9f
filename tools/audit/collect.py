"""The single AST walk per file: it records every fact the rules need, so no rule walks again.

Facts: every call with its dotted callee, enclosing scope and enclosing `for` loop; every simple
name binding per scope (for static value resolution after the walk, so a constant defined below a
function still resolves); functions and their parameters; imports; attribute stores to
`*.use_cache`; and signs (GPU use, training code per scope, torch.compile, generation: `signs.py`).

The walk descends only into statements that span a line `hot.py` marks (a rule word); other
statements only bind their simple names. When the walk finds local helpers that generate, or
pipeline objects in variables, their names become rule words and the marked part is walked again
(at most `_ROUNDS` times), so a loop calling such a helper is seen without walking everything.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from ecocompute.tools.audit.facts import (
    MODULE_SCOPE,
    PIPELINE_MAKERS,
    AttrStore,
    CallSite,
    Facts,
    Function,
    Loop,
    callee,
    dotted,
    loop_of,
)
from ecocompute.tools.audit.hot import HotLines, hot_lines
from ecocompute.tools.audit.signs import record_signs

_ROUNDS = 4


class Collector(ast.NodeVisitor):
    """Walks a module once and fills `Facts`."""

    def __init__(self, hot: HotLines | None = None) -> None:
        self.facts = Facts()
        self.scope = MODULE_SCOPE
        self.loop: Loop | None = None
        self._next_scope = MODULE_SCOPE
        self._hot = hot
        self._awaited: ast.AST | None = None
        self._iterated: ast.AST | None = None

    # statement bodies: walk what spans a hot line, only bind names elsewhere ----------------------
    def visit(self, node: ast.AST) -> None:
        kind = type(node)
        if kind in _LEAVES:
            return
        method = _DISPATCH.get(kind)
        if method is None:
            method = _DISPATCH[kind] = getattr(type(self), f"visit_{kind.__name__}", Collector.generic_visit)
        method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                if value and isinstance(value[0], ast.stmt):
                    self._body(value)
                else:
                    for item in value:
                        if isinstance(item, ast.AST) and type(item) not in _LEAVES:
                            self.visit(item)
            elif isinstance(value, ast.AST) and type(value) not in _LEAVES:
                self.visit(value)

    def _body(self, stmts: list[ast.stmt]) -> None:
        hot = self._hot
        for stmt in stmts:
            if hot is None or hot.spans(stmt.lineno, stmt.end_lineno or stmt.lineno):
                self.visit(stmt)
            else:
                self._shallow(stmt)

    def _shallow(self, stmt: ast.stmt) -> None:
        kind = type(stmt)
        if kind is ast.Assign:
            for target in stmt.targets:  # type: ignore[attr-defined]
                self._bind_target(target, stmt.value)  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign and stmt.value is not None:  # type: ignore[attr-defined]
            self._bind_target(stmt.target, stmt.value)  # type: ignore[attr-defined]
        elif kind is ast.AugAssign and isinstance(stmt.target, ast.Name):  # type: ignore[attr-defined]
            self._bind(stmt.target.id, None)  # type: ignore[attr-defined]
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            self._bind(stmt.name, None)  # type: ignore[attr-defined]
        elif kind is ast.Import:
            self.visit_Import(stmt)  # type: ignore[arg-type]
        elif kind is ast.ImportFrom:
            self.visit_ImportFrom(stmt)  # type: ignore[arg-type]
        elif kind in (ast.For, ast.AsyncFor):
            self._bind_target(stmt.target, None)  # type: ignore[attr-defined]
            self._shallow_bodies(stmt)
        elif kind in (ast.If, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.TryStar):
            self._shallow_bodies(stmt)

    def _shallow_bodies(self, stmt: ast.stmt) -> None:
        for name in ("body", "orelse", "finalbody"):
            for child in getattr(stmt, name, ()):
                self._shallow(child)
        for handler in getattr(stmt, "handlers", ()):
            for child in handler.body:
                self._shallow(child)

    def _bind(self, name: str, value: ast.expr | None) -> None:
        self.facts.bindings.setdefault((self.scope, name), []).append(value)
        if type(value) is ast.Call:
            func = value.func
            maker = func.attr if type(func) is ast.Attribute else getattr(func, "id", "")
            if maker in PIPELINE_MAKERS:
                self.facts.pipeline_vars.add(name)

    def _bind_target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._bind_target(elt, None)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None)
        elif type(target) is ast.Attribute and value is not None and target.attr == "use_cache":
            name = dotted(target)
            if name is not None and name.endswith(".use_cache"):
                self.facts.attr_stores.append(AttrStore(target, name, value, self.scope))

    # scopes -----------------------------------------------------------------------------------
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        for default in (*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
            self.visit(default)
        if not isinstance(node, ast.Lambda):
            for deco in node.decorator_list:
                self.visit(deco)
            self._bind(node.name, None)
        outer, outer_loop = self.scope, self.loop
        self._next_scope += 1
        self.scope, self.loop = self._next_scope, None
        self.facts.parents[self.scope] = outer
        args = node.args
        params = [a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a]
        for arg in params:
            self._bind(arg.arg, None)
        self.facts.functions[self.scope] = Function(
            getattr(node, "name", "<lambda>"), node, isinstance(node, ast.AsyncFunctionDef),
            tuple(a.arg for a in params))
        if isinstance(node.body, list):
            self._body(node.body)
        else:
            self.visit(node.body)
        self.scope, self.loop = outer, outer_loop

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name, None)
        self.generic_visit(node)

    # loops --------------------------------------------------------------------------------------
    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self._iterated = node.iter
        self.visit(node.iter)
        self._bind_target(node.target, None)
        outer = self.loop
        self.loop = loop_of(node.target, node.iter)
        self._body(node.body)
        self.loop = outer
        self._body(node.orelse)

    visit_For = visit_AsyncFor = _for

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        outer = self.loop
        for gen in node.generators:
            self.visit(gen.iter)
            self._bind_target(gen.target, None)
            self.loop = loop_of(gen.target, gen.iter)
            for cond in gen.ifs:
                self.visit(cond)
        for part in ((node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)):
            self.visit(part)
        self.loop = outer

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comprehension

    # bindings -----------------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind_target(target, node.value)
        self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)
            self.visit(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self._bind(node.target.id, None)
        self.visit(node.value)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind(node.target.id, node.value)
        self.visit(node.value)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = (alias.asname or alias.name).partition(".")[0]
            self._bind(local, None)
            self.facts.imports[local] = alias.name if alias.asname else local

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name, None)
            self.facts.imports[alias.asname or alias.name] = f"{node.module or ''}.{alias.name}"

    def visit_withitem(self, node: ast.withitem) -> None:
        self.visit(node.context_expr)
        if node.optional_vars is not None:  # `with make() as x`: x resolves to the call (its type)
            value = node.context_expr if isinstance(node.optional_vars, ast.Name) else None
            self._bind_target(node.optional_vars, value)

    # calls --------------------------------------------------------------------------------------
    def visit_Await(self, node: ast.Await) -> None:
        self._awaited = node.value
        self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        name, attr = callee(node)
        self.facts.calls.append(CallSite(node, name, attr, self.scope, self.loop, node is self._awaited,
                                         node is self._iterated))
        record_signs(self.facts, node, name, attr, self.scope)
        self.generic_visit(node)


Widen = Callable[[Facts], set[str]]
_DISPATCH: dict[type, Callable[[Collector, ast.AST], None]] = {}
# Nodes with nothing a rule reads below them: never visited.
_LEAVES = frozenset({ast.Constant, ast.Name, ast.Load, ast.Store, ast.Del, ast.Pass, ast.Break, ast.Continue,
                     *ast.operator.__subclasses__(), *ast.unaryop.__subclasses__(), *ast.cmpop.__subclasses__(),
                     *ast.boolop.__subclasses__()})


def collect(tree: ast.Module, raw: bytes | None = None, widen: Widen | None = None,
            hot: HotLines | None = None) -> Facts:
    """Walk `tree` and return the facts every rule reads.

    With `raw` (the file's bytes) only statements spanning a rule word are walked; `widen` names
    what else must be walked (helpers, pipeline variables), and the walk repeats while it grows.
    """
    if raw is None:
        return _walk(tree, None)
    extra: set[str] = set()
    for _ in range(_ROUNDS):
        facts = _walk(tree, hot if hot is not None and not extra else hot_lines(raw, extra))
        wanted = widen(facts) if widen else set()
        if wanted <= extra:
            break
        extra |= wanted
    return facts


def _walk(tree: ast.Module, hot: HotLines | None) -> Facts:
    collector = Collector(hot)
    collector.visit(tree)
    return collector.facts
