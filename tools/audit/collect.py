"""The single AST walk per file: it records every fact the rules need, so no rule walks again.

Facts: every call with its dotted callee, enclosing scope and enclosing `for` loop; every simple
name binding per scope (for static value resolution after the walk, so a constant defined below a
function still resolves); attribute stores to `*.use_cache`; and module-wide signs (GPU use,
training code, torch.compile).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

MODULE_SCOPE = 0
_TRAINING_CALLS = frozenset({"Trainer", "TrainingArguments", "Seq2SeqTrainer", "Seq2SeqTrainingArguments",
                             "SFTTrainer", "SFTConfig", "gradient_checkpointing_enable", "backward"})
_BATCH_WORDS = ("batch", "chunk")


@dataclass(frozen=True, slots=True)
class Loop:
    """The innermost `for` loop or comprehension around a call (within one function)."""

    batched: bool  # iterates over batches/chunks, or a range with a step: not a per-item loop


@dataclass(frozen=True, slots=True)
class CallSite:
    """One call: `name` is the dotted callee ("AutoModel.from_pretrained", "?.to" after a call)."""

    node: ast.Call
    name: str
    attr: str
    scope: int
    loop: Loop | None


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
    attr_stores: list[AttrStore] = field(default_factory=list)
    gpu: bool = False
    training: bool = False
    torch_compile: bool = False


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


def _names(node: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]


def _loop_of(target: ast.expr, iterable: ast.expr) -> Loop:
    words = [w.lower() for w in _names(target) + _names(iterable)]
    if isinstance(iterable, ast.Call):
        name = callee(iterable)[1]
        words.append(name.lower())
        if name == "range" and len(iterable.args) == 3:
            return Loop(batched=True)
    return Loop(batched=any(b in w for w in words for b in _BATCH_WORDS))


class Collector(ast.NodeVisitor):
    """Walks a module once and fills `Facts`."""

    def __init__(self) -> None:
        self.facts = Facts()
        self.scope = MODULE_SCOPE
        self.loop: Loop | None = None
        self._next_scope = MODULE_SCOPE

    def _bind(self, name: str, value: ast.expr | None) -> None:
        self.facts.bindings.setdefault((self.scope, name), []).append(value)

    def _bind_target(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._bind_target(elt, None)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, None)
        elif isinstance(target, ast.Attribute) and value is not None:
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
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None:
                self._bind(arg.arg, None)
        for stmt in (node.body if isinstance(node.body, list) else [node.body]):
            self.visit(stmt)
        self.scope, self.loop = outer, outer_loop

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    # loops --------------------------------------------------------------------------------------
    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._bind_target(node.target, None)
        outer = self.loop
        self.loop = _loop_of(node.target, node.iter)
        for stmt in node.body:
            self.visit(stmt)
        self.loop = outer
        for stmt in node.orelse:
            self.visit(stmt)

    visit_For = visit_AsyncFor = _for

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        outer = self.loop
        for gen in node.generators:
            self.visit(gen.iter)
            self._bind_target(gen.target, None)
            self.loop = _loop_of(gen.target, gen.iter)
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

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            self._bind((alias.asname or alias.name).partition(".")[0], None)

    visit_Import = visit_ImportFrom = _import

    def visit_withitem(self, node: ast.withitem) -> None:
        self.visit(node.context_expr)
        if node.optional_vars is not None:
            self._bind_target(node.optional_vars, None)

    # calls --------------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        name, attr = callee(node)
        self.facts.calls.append(CallSite(node, name, attr, self.scope, self.loop))
        self._signs(node, name, attr)
        self.generic_visit(node)

    def _signs(self, node: ast.Call, name: str, attr: str) -> None:
        facts = self.facts
        if attr in _TRAINING_CALLS or (attr == "train" and not node.args and name != "train"):
            facts.training = True
        if name in ("torch.compile", "torch._dynamo.optimize"):
            facts.torch_compile = True
        if attr == "cuda" or name.startswith("torch.cuda.") or _cuda_arg(node):
            facts.gpu = True
        for kw in node.keywords:
            if kw.arg == "device_map":
                facts.gpu = True
            elif kw.arg == "gradient_checkpointing" and not _is_false(kw.value):
                facts.training = True


def _cuda_arg(node: ast.Call) -> bool:
    values = [*node.args[:1], *(kw.value for kw in node.keywords if kw.arg == "device")]
    return any(isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value.startswith("cuda")
               for v in values)


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and not node.value


def collect(tree: ast.Module) -> Facts:
    """Walk `tree` once and return the facts every rule reads."""
    collector = Collector()
    collector.visit(tree)
    return collector.facts
