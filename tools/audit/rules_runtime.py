"""ECO401 kv-cache-disabled, ECO501 fp32-large-model, ECO502 no-torch-compile.

Training code (gradient checkpointing, Trainer, `.backward()`, `.train()`) is exempt from ECO401's
config form, ECO501 and ECO502: `use_cache=False` with gradient checkpointing and FP32 master weights
are training idioms, not inference waste. ECO401's attribute form (`x.config.use_cache = False`)
counts only where it reaches generation: a module that generates, on a model's config or generation
config (not a sub-module's config copy inside modelling code), outside a training function.
ECO501 also covers a large model loaded with no dtype: FP32 under transformers < 5 (5.x defaults to
`dtype="auto"`), so `conditional` unless a pin next to the file settles the version.
"""

from __future__ import annotations

import ast

from ecocompute.tools.audit.calls import (
    Hit,
    effective_kwargs,
    is_fp32,
    is_model_load,
    loads,
    model_id,
    model_label,
    model_size,
    quant_of,
    with_keyword,
)
from ecocompute.tools.audit.collect import AttrStore, CallSite, Facts
from ecocompute.tools.audit.resolve import CallValue, Resolver
from ecocompute.tools.audit.versions import major_below

LARGE_MODEL_MIN_B = 1.0  # policy boundary for "large" (LLM scale), not a measurement
_KV_MESSAGE = ("use_cache=False disables the KV cache, so every generated token recomputes attention over "
               "the whole prefix: more GPU time and energy per token. Keep the cache on for inference.")


def check(facts: Facts, r: Resolver) -> list[Hit]:
    """KV cache disabled (ECO401); outside training also FP32 on GPU (ECO501) and no torch.compile (ECO502)."""
    hits = _kv_cache(facts, r)
    if not facts.training:
        hits += _fp32(facts, r) + _no_compile(facts)
    return hits


def _kv_cache(facts: Facts, r: Resolver) -> list[Hit]:
    hits = []
    for site in facts.calls:
        generating = site.attr in ("generate", "GenerationConfig")
        if not (generating or (is_model_load(site) and not facts.training)):
            continue
        if effective_kwargs(site, r).get("use_cache") is False:
            fix = with_keyword(site.node, "use_cache", ast.Constant(True))
            hits.append(Hit("ECO401", "warning", site.node, _KV_MESSAGE, fix))
    if facts.training:
        return hits
    for store in facts.attr_stores:
        if r.value(store.value, store.scope) is False and _reaches_generation(store, facts, r):
            fix = f"{store.target} = True"
            hits.append(Hit("ECO401", "warning", store.node, _KV_MESSAGE, fix))
    return hits


def _reaches_generation(store: AttrStore, facts: Facts, r: Resolver) -> bool:
    if not facts.generation or _in_training(store.scope, facts):
        return False
    owner = store.target.rpartition(".")[0]
    if owner.endswith((".config", ".generation_config")) and not owner.startswith("self."):
        return True
    root = owner.partition(".")[0]
    made = r.lookup(root, store.scope, 0) if "." not in owner else None
    return isinstance(made, CallValue) and (made.attr == "GenerationConfig" or made.attr == "from_pretrained")


def _in_training(scope: int, facts: Facts) -> bool:
    while True:
        if scope in facts.training_scopes:
            return True
        if scope not in facts.parents:
            return False
        scope = facts.parents[scope]


def _fp32(facts: Facts, r: Resolver) -> list[Hit]:
    if not facts.gpu:
        return []
    explicit = {id(site.node): _fp32_load(site, r) for site in facts.calls}
    made_fp32 = {id(load.node) for load in explicit.values() if load is not None}
    hits = [hit for site in facts.calls if id(site.node) not in made_fp32 and explicit[id(site.node)] is None
            and (hit := _implicit_fp32(site, facts, r)) is not None]
    for site in facts.calls:
        load = explicit[id(site.node)]
        if load is None:
            continue
        model = model_id(load, r)
        size = model_size(model)
        if size is not None and size < LARGE_MODEL_MIN_B:
            continue
        fp16 = ast.parse("torch.float16", mode="eval").body
        fix = with_keyword(load.node, "torch_dtype", fp16, drop=("dtype",))
        if size is None:
            hits.append(Hit("ECO501", "info", site.node,
                            f"FP32 inference on GPU of {model_label(model)} (size not known): for a model of "
                            f"{LARGE_MODEL_MIN_B:g}B parameters or more, FP16/BF16 halves the memory traffic.",
                            fix))
        else:
            hits.append(Hit("ECO501", "warning", site.node,
                            f"FP32 inference on GPU of {model_label(model)} ({size:g}B parameters): FP16/BF16 "
                            "halves the weights' memory traffic and uses tensor cores.", fix))
    return hits


def _implicit_fp32(site: CallSite, facts: Facts, r: Resolver) -> Hit | None:
    """A load of a known-large model with no dtype and no quantization: FP32 under transformers < 5."""
    if not is_model_load(site) or _in_training(site.scope, facts):
        return None
    kwargs = r.kwargs(site.node, site.scope)
    if kwargs.opaque or {"torch_dtype", "dtype", "quantization_config", "load_in_8bit", "load_in_4bit",
                         "gguf_file"} & set(kwargs.values) or quant_of(site, r) is not None:
        return None
    model = model_id(site, r)
    size = model_size(model)
    if size is None or size < LARGE_MODEL_MIN_B:
        return None
    pin = facts.pins.get("transformers")
    below = major_below(pin, 5) if pin else None
    if below is False:
        return None
    fix = with_keyword(site.node, "torch_dtype", ast.parse("torch.bfloat16", mode="eval").body)
    when = (f"transformers {pin} is pinned next to this file, and transformers < 5 loads" if below
            else "Under transformers < 5 (no pin found next to this file) from_pretrained loads")
    return Hit("ECO501", "warning" if below else "conditional", site.node,
               f"{when} weights in FP32 when no dtype is given (transformers >= 5 defaults to dtype=\"auto\"): "
               f"{model_label(model)} ({size:g}B parameters) on GPU then moves twice the bytes of FP16/BF16. "
               "Pass a dtype.", fix, {"transformers": pin or "< 5 assumed (not pinned)"})


def _fp32_load(site: CallSite, r: Resolver) -> CallSite | None:
    """The load site when `site` loads a model in FP32 or calls `.float()` on a loaded model."""
    if is_model_load(site):
        kwargs = effective_kwargs(site, r)
        dtype = kwargs.get("torch_dtype", kwargs.get("dtype"))
        return site if is_fp32(dtype) else None
    if site.attr != "float" or site.node.args or not isinstance(site.node.func, ast.Attribute):
        return None
    receiver = site.node.func.value
    if isinstance(receiver, ast.Call):
        made = [receiver]
    elif isinstance(receiver, ast.Name):  # `model = model.float()` rebinds: look at every binding
        made = [expr for expr, _ in r.candidates(receiver.id, site.scope) if isinstance(expr, ast.Call)]
    else:
        return None
    return next((s for s in loads(r.facts) if any(s.node is m for m in made)), None)


def _no_compile(facts: Facts) -> list[Hit]:
    if facts.torch_compile:
        return []
    models = loads(facts)
    if not models or not any(s.attr == "generate" and s.name.endswith(".generate") for s in facts.calls):
        return []
    return [Hit("ECO502", "info", models[0].node,
                "The model is loaded for generation without torch.compile; compiling the forward pass can "
                "cut kernel-launch overhead (not measured in the dataset: benchmark it).",
                "model.forward = torch.compile(model.forward, mode=\"reduce-overhead\")")]
