"""ECO301-ECO304: batch size 1 where it feeds LLM inference.

ECO301: a generation entry point (`generation.kind`) called once per item in a loop or
comprehension, directly or through a local helper that generates on one item. ECO302: a pipeline
object (held in a variable, or arriving as a parameter) called per item without `batch_size`.
ECO303: `batch_size=1` on a pipeline, a pipeline call, or a DataLoader whose batches reach a
generation call. ECO304: vLLM `max_num_seqs=1`. Loops over batches or chunks (by name, `range`
with a step, or inputs tokenized with padding) are not per-item loops.
"""

from __future__ import annotations

import ast

from ecocompute.tools.audit import generation
from ecocompute.tools.audit.calls import Hit, effective_kwargs, has_keyword, is_pipeline, with_keyword
from ecocompute.tools.audit.collect import PIPELINE_MAKERS, CallSite, Facts, callee
from ecocompute.tools.audit.resolve import CallValue, Resolver

# Suggested settings in the fixes (starting points to tune, not measurements).
SUGGESTED_BATCH = 16
VLLM_DEFAULT_MAX_NUM_SEQS = 256
_BATCH_KEYS = frozenset({"batch_size", "max_num_seqs", "model_kwargs"})
_GENERATE_FIX = ("inputs = tokenizer(prompts, return_tensors=\"pt\", padding=True).to(model.device)\n"
                 "outputs = model.generate(**inputs, max_new_tokens=...)")


def check(facts: Facts, r: Resolver) -> list[Hit]:
    """Batch-size-one findings (ECO301-ECO304): generation per item in a loop, per-item pipelines, batch_size=1."""
    helpers = {facts.functions[s].name: v for s, v in generation.single_item_sites(facts, r).items()}
    params = generation.pipeline_params(facts, r)
    hits: list[Hit] = []
    for site in facts.calls:
        hit = (_in_loop(site, facts, r, helpers, params) if _per_item(site) else None) or _explicit_one(site, r, params)
        if hit is not None:
            hits.append(hit)
    return hits + _dataloaders(facts, r)


def _per_item(site: CallSite) -> bool:
    return site.loop is not None and not site.loop.batched


def _in_loop(site: CallSite, facts: Facts, r: Resolver, helpers: dict[str, tuple[CallSite, str]],
             params: set[tuple[int, str]]) -> Hit | None:
    what = generation.kind(site, facts, r)
    if what is None and _param_pipeline(site, r, params):
        what = f"the pipeline `{site.node.func.id}`"  # type: ignore[attr-defined]
    if what is not None and what.startswith("the pipeline"):
        return _pipeline_per_item(site, r, what)
    if what is not None:
        return None if generation.padded_input(site, r) else _generate_hit(site.node, f"{what} runs")
    helper = helpers.get(_local_callee(site))
    if helper is not None and helper[0].scope != site.scope:
        inner, inner_what = helper
        return _generate_hit(site.node, f"`{_local_callee(site)}()` runs {inner_what} on one item (line "
                             f"{inner.node.lineno}) and is called")
    return None


def _local_callee(site: CallSite) -> str:
    func = site.node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
        return func.attr
    return ""


def _generate_hit(node: ast.Call, what: str) -> Hit:
    return Hit("ECO301", "warning", node,
               f"{what} once per item inside a loop, so every call has batch size 1. Tokenize a list of "
               "prompts with padding (or pass the whole list) and generate for the whole batch.", _GENERATE_FIX)


def _param_pipeline(site: CallSite, r: Resolver, params: set[tuple[int, str]]) -> bool:
    func = site.node.func
    if not isinstance(func, ast.Name):
        return False
    scope = site.scope
    while (scope, func.id) not in r.facts.bindings and scope in r.facts.parents:
        scope = r.facts.parents[scope]
    return (scope, func.id) in params


def _pipeline_per_item(site: CallSite, r: Resolver, what: str) -> Hit | None:
    made = r.value(site.node.func, site.scope)
    maker = r.kwargs(made.node, made.scope).values if isinstance(made, CallValue) else {}
    if "batch_size" in maker or "batch_size" in r.kwargs(site.node, site.scope).values:
        return None
    name = site.node.func.id  # type: ignore[attr-defined]
    return Hit("ECO302", "warning", site.node,
               f"{what[0].upper()}{what[1:]} is called once per item in a loop without batch_size, so it runs at "
               "batch size 1. Pass the whole list and a batch_size.",
               f"results = {name}(items, batch_size={SUGGESTED_BATCH})  # tune to the GPU's memory")


def _explicit_one(site: CallSite, r: Resolver, params: set[tuple[int, str]]) -> Hit | None:
    if not has_keyword(site, _BATCH_KEYS):
        return None
    kwargs = effective_kwargs(site, r)
    if _is_one(kwargs.get("max_num_seqs")):
        return Hit("ECO304", "warning", site.node,
                   "vLLM max_num_seqs=1 disables continuous batching; batching is the biggest energy lever. "
                   "Raise it as far as memory and latency allow.",
                   with_keyword(site.node, "max_num_seqs", ast.Constant(VLLM_DEFAULT_MAX_NUM_SEQS)))
    if _is_one(kwargs.get("batch_size")) and _feeds_inference(site, r, params):
        return _batch_one(site.node, "")
    return None


def _feeds_inference(site: CallSite, r: Resolver, params: set[tuple[int, str]]) -> bool:
    if is_pipeline(site) or _param_pipeline(site, r, params):
        return True
    made = r.value(site.node.func, site.scope) if isinstance(site.node.func, ast.Name) else None
    return isinstance(made, CallValue) and made.attr in PIPELINE_MAKERS


def _is_one(value: object) -> bool:
    return value == 1 and isinstance(value, int) and not isinstance(value, bool)


def _batch_one(node: ast.Call, where: str) -> Hit:
    return Hit("ECO303", "warning", node,
               f"batch_size=1 processes one request at a time{where}; batching is the biggest energy lever. "
               "Raise it as far as memory and latency allow.",
               with_keyword(node, "batch_size", ast.Constant(SUGGESTED_BATCH)))


def _dataloaders(facts: Facts, r: Resolver) -> list[Hit]:
    """`DataLoader(..., batch_size=1)` iterated by a loop that generates on each batch."""
    hits, seen = [], set()
    for site in facts.calls:
        if site.loop is None or site.loop.iter is None or generation.kind(site, facts, r) is None:
            continue
        loader = _loader(site.loop.iter, site.scope, r)
        if loader is not None and id(loader.node) not in seen and _is_one(r.kwargs(loader.node, loader.scope).values.get("batch_size")):
            seen.add(id(loader.node))
            hits.append(_batch_one(loader.node, ", and its batches feed generation"))
    return hits


def _loader(expr: ast.expr, scope: int, r: Resolver) -> CallValue | None:
    while isinstance(expr, ast.Call) and callee(expr)[1] in ("enumerate", "tqdm", "iter", "zip") and expr.args:
        expr = expr.args[0]
    made = r.value(expr, scope)
    return made if isinstance(made, CallValue) and made.attr == "DataLoader" else None
