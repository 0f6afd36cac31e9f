"""What counts as LLM generation on ONE batch, and which calls are not batch-size-1 waste.

Entry points: `x.generate(...)` (transformers, vLLM `LLM`), generation functions imported from
`mistral_inference` / `mlx_lm`, llama-cpp-python `Llama(...)` objects called or asked for
`create_completion`, `text_generation` against a local engine, and a `pipeline(...)` object called.
Not waste: `super().generate(...)` inside an override, and async engines (vLLM `AsyncLLM*` /
`engine_client`, async clients) whose per-request calls the server batches continuously.
"""

from __future__ import annotations

import ast

from ecocompute.tools.audit.collect import PIPELINE_MAKERS, CallSite, Facts, Function, dotted
from ecocompute.tools.audit.resolve import CallValue, Resolver

GENERATE_MODULES = ("mistral_inference", "mlx_lm")
LLAMA_CLASSES = frozenset({"Llama"})  # llama-cpp-python: the object is called per prompt
COMPLETION_METHODS = frozenset({"create_completion", "create_chat_completion"})
ASYNC_ENGINES = frozenset({"AsyncLLM", "AsyncLLMEngine", "AsyncEngine", "AsyncInferenceClient", "AsyncOpenAI",
                           "AsyncClient", "build_async_engine_client", "build_async_engine_client_from_engine_args",
                           "from_engine_args", "from_vllm_config"})
ASYNC_RECEIVERS = ("engine_client", "async_engine", "async_llm")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "0.0.0.0", "[::1]")
# HTTP clients of inference servers (TGI, OpenAI-compatible): the server batches concurrent requests, so
# a loop of calls is only batch-size-1 waste against a local engine that this loop alone feeds.
SERVER_CLIENTS = frozenset({"Client", "InferenceClient", "OpenAI", "AzureOpenAI"})


def kind(site: CallSite, facts: Facts, r: Resolver) -> str | None:
    """The generation API `site` calls ("generate()", "the pipeline `p`", ...), or None."""
    node = site.node
    if site.iterated:
        return None  # iterated as it yields: a generator (a template's or a streaming API), not one batch
    if site.attr == "generate" and isinstance(node.func, ast.Attribute):
        if _not_waste(site, r) or (_server_client(site, r) and not _local_client(site, r)):
            return None
        return "generate()"
    if isinstance(node.func, ast.Name):
        return _called_by_name(node.func, site, facts, r)
    if site.attr in COMPLETION_METHODS:
        return f"{site.attr}()"
    if site.attr == "text_generation" and _local_client(site, r):
        return "text_generation() against a local engine"
    return None


def _called_by_name(func: ast.Name, site: CallSite, facts: Facts, r: Resolver) -> str | None:
    """A generation API called by a bare name: an imported generate function, a pipeline or a llama-cpp model."""
    imported = facts.imports.get(func.id, "")
    if imported.startswith(GENERATE_MODULES) and "generate" in imported:
        return f"{imported}()"
    made = r.value(func, site.scope)
    if isinstance(made, CallValue) and made.attr == "pipeline":
        return f"the pipeline `{func.id}`"
    if isinstance(made, CallValue) and made.attr in LLAMA_CLASSES:
        return f"the llama-cpp model `{func.id}`"
    return None


def _receiver(site: CallSite) -> ast.expr | None:
    func = site.node.func
    return func.value if isinstance(func, ast.Attribute) else None


def _not_waste(site: CallSite, r: Resolver) -> bool:
    receiver = _receiver(site)
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
        return True  # a model's own generate() delegating to the base implementation
    name = dotted(receiver) if receiver is not None else None
    if name and name.rpartition(".")[2] in ASYNC_RECEIVERS:
        return True
    if isinstance(receiver, ast.Name):
        made = r.value(receiver, site.scope)
        if isinstance(made, CallValue) and made.attr in ASYNC_ENGINES:
            return True
    function = r.facts.functions.get(site.scope)
    # In an async handler a generate call that is not awaited on the spot yields a stream the event
    # loop runs concurrently with the others: the engine batches them.
    return function is not None and function.is_async and not site.awaited


def _server_client(site: CallSite, r: Resolver) -> bool:
    receiver = _receiver(site)
    made = r.value(receiver, site.scope) if isinstance(receiver, ast.Name) else None
    return isinstance(made, CallValue) and made.attr in SERVER_CLIENTS


def _local_client(site: CallSite, r: Resolver) -> bool:
    receiver = _receiver(site)
    made = r.value(receiver, site.scope) if isinstance(receiver, ast.Name) else None
    if not isinstance(made, CallValue):
        return False
    values = [r.value(a, made.scope) for a in made.node.args[:1]]
    values += [r.value(kw.value, made.scope) for kw in made.node.keywords if kw.arg in ("model", "base_url")]
    return any(isinstance(v, str) and any(h in v for h in LOCAL_HOSTS) for v in values)


def padded_input(site: CallSite, r: Resolver) -> bool:
    """Whether the call's inputs come from a tokenizer call with padding on (a batch, not one item)."""
    exprs = [*site.node.args[:1], *(kw.value for kw in site.node.keywords if kw.arg in (None, "input_ids", "inputs"))]
    return any(_padded(e, site.scope, r, 0) for e in exprs)


def _padded(expr: ast.expr, scope: int, r: Resolver, depth: int) -> bool:
    if depth > 3:
        return False
    for node in ast.walk(expr):
        if isinstance(node, ast.Call) and any(kw.arg == "padding" and _truthy(kw.value) for kw in node.keywords):
            return True
        if isinstance(node, ast.Name) and any(_padded(e, s, r, depth + 1) for e, s in r.candidates(node.id, scope)):
            return True
    return False


def _truthy(node: ast.expr) -> bool:
    return not (isinstance(node, ast.Constant) and not node.value)


def single_item_sites(facts: Facts, r: Resolver) -> dict[int, tuple[CallSite, str]]:
    """Functions (scope id) that generate once per call, outside any loop of their own."""
    if "single" in facts.memo:
        return facts.memo["single"]  # type: ignore[return-value]
    out: dict[int, tuple[CallSite, str]] = facts.memo.setdefault("single", {})  # type: ignore[assignment]
    for site in facts.calls:
        if site.scope in facts.functions and site.loop is None and site.scope not in out:
            what = kind(site, facts, r)
            if what is not None and not padded_input(site, r):
                out[site.scope] = (site, what)
    return out


def widen(facts: Facts) -> set[str]:
    """Names whose lines the walk must also cover: generating helpers, pipeline variables, and the
    functions and parameters they are passed to."""
    r = Resolver(facts)
    names = {facts.functions[s].name for s in single_item_sites(facts, r)} | facts.pipeline_vars
    for site in facts.calls:
        if isinstance(site.node.func, ast.Name) and any(
                _carries(a, names) for a in (*site.node.args, *(kw.value for kw in site.node.keywords))):
            names.add(site.node.func.id)
    names.update(name for _, name in pipeline_params(facts, r))
    return names


def _carries(arg: ast.expr, names: set[str]) -> bool:
    """An argument that is a pipeline variable or a pipeline made on the spot."""
    if isinstance(arg, ast.Name):
        return arg.id in names
    return isinstance(arg, ast.Call) and (dotted(arg.func) or "").rpartition(".")[2] in PIPELINE_MAKERS


def _pipeline_annotated(function: Function) -> list[str]:
    """Parameters annotated with a pipeline class (`Pipeline`, `TextGenerationPipeline`, "Pipeline")."""
    if isinstance(function.node, ast.Lambda):
        return []
    args = function.node.args
    out = []
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        note = arg.annotation
        if isinstance(note, ast.Constant) and isinstance(note.value, str):
            text = note.value
        else:
            text = (dotted(note) or "") if note is not None else ""
        if text.endswith("Pipeline"):
            out.append(arg.arg)
    return out


def pipeline_params(facts: Facts, r: Resolver) -> set[tuple[int, str]]:
    """(function scope, parameter) for parameters that receive a pipeline or llama-cpp object, by
    annotation or because a call in this module passes one."""
    if "params" in facts.memo:
        return facts.memo["params"]  # type: ignore[return-value]
    found: set[tuple[int, str]] = facts.memo.setdefault("params", set())  # type: ignore[assignment]
    by_name = {f.name: scope for scope, f in facts.functions.items()}
    for site in facts.calls:
        scope = by_name.get(site.node.func.id) if isinstance(site.node.func, ast.Name) else None
        if scope is None:
            continue
        positional = [p for p in facts.functions[scope].params if p not in ("self", "cls")]
        passed = [*zip(positional, site.node.args, strict=False), *((kw.arg, kw.value) for kw in site.node.keywords if kw.arg)]
        for param, arg in passed:
            made = r.value(arg, site.scope)
            if isinstance(made, CallValue) and made.attr in PIPELINE_MAKERS:
                found.add((scope, param))
    for scope, function in facts.functions.items():
        found.update((scope, p) for p in _pipeline_annotated(function))
    return found
