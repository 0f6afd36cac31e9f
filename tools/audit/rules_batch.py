"""ECO301-ECO304: batch size 1 in a serving or batch path.

`generate` inside a per-item loop or comprehension, a `pipeline(...)` object called per item without
`batch_size`, an explicit `batch_size=1`, and vLLM `max_num_seqs=1`. Loops over batches or chunks
(by name, or `range` with a step) are not per-item loops.
"""

from __future__ import annotations

import ast

from ecocompute.tools.audit.calls import Hit, effective_kwargs, with_keyword
from ecocompute.tools.audit.collect import CallSite, Facts
from ecocompute.tools.audit.resolve import CallValue, Resolver

# Suggested settings in the fixes (starting points to tune, not measurements).
SUGGESTED_BATCH = 16
VLLM_DEFAULT_MAX_NUM_SEQS = 256


def check(facts: Facts, r: Resolver) -> list[Hit]:
    hits: list[Hit] = []
    for site in facts.calls:
        hit = _generate_in_loop(site) or _pipeline_per_item(site, r) or _explicit_one(site, r)
        if hit is not None:
            hits.append(hit)
    return hits


def _per_item(site: CallSite) -> bool:
    return site.loop is not None and not site.loop.batched


def _generate_in_loop(site: CallSite) -> Hit | None:
    if site.attr != "generate" or not site.name.endswith(".generate") or not _per_item(site):
        return None
    return Hit("ECO301", "warning", site.node,
               "generate() runs once per item inside a loop, so every call has batch size 1. Tokenize a list "
               "of prompts with padding and generate for the whole batch.",
               "inputs = tokenizer(prompts, return_tensors=\"pt\", padding=True).to(model.device)\n"
               "outputs = model.generate(**inputs, max_new_tokens=...)")


def _pipeline_per_item(site: CallSite, r: Resolver) -> Hit | None:
    if not _per_item(site) or not isinstance(site.node.func, ast.Name):
        return None
    made = r.value(site.node.func, site.scope)
    if not (isinstance(made, CallValue) and made.attr == "pipeline"):
        return None
    maker = r.kwargs(made.node, made.scope).values
    if "batch_size" in maker or "batch_size" in r.kwargs(site.node, site.scope).values:
        return None
    name = site.node.func.id
    return Hit("ECO302", "warning", site.node,
               f"The pipeline `{name}` is called once per item in a loop without batch_size, so it runs at "
               "batch size 1. Pass the whole list and a batch_size.",
               f"results = {name}(items, batch_size={SUGGESTED_BATCH})  # tune to the GPU's memory")


def _explicit_one(site: CallSite, r: Resolver) -> Hit | None:
    kwargs = effective_kwargs(site, r)
    for key, rule, what in (("batch_size", "ECO303", "batch_size=1 processes one request at a time"),
                            ("max_num_seqs", "ECO304", "vLLM max_num_seqs=1 disables continuous batching")):
        value = kwargs.get(key)
        if value == 1 and not isinstance(value, bool) and isinstance(value, int):
            fix = with_keyword(site.node, key, ast.Constant(SUGGESTED_BATCH if key == "batch_size" else VLLM_DEFAULT_MAX_NUM_SEQS))
            return Hit(rule, "warning", site.node,
                       f"{what}; batching is the biggest energy lever. Raise it as far as memory and "
                       "latency allow.", fix)
    return None
