"""ECO201: 4-bit bitsandbytes quantization of a model of at most 3B parameters.

The model id is resolved from a literal, a variable, a module constant or an f-string with a literal
part; its size comes from the dataset's model list or a size token in the id. An unknown size is
`info`, never a guess; a size above the boundary is no finding.
"""

from __future__ import annotations

import ast

from ecocompute.tools.audit.calls import (
    Hit,
    Quant,
    is_bnb_config,
    is_model_load,
    is_pipeline,
    model_id,
    model_label,
    model_size,
    quant_of,
    with_keyword,
)
from ecocompute.tools.audit.collect import CallSite, Facts
from ecocompute.tools.audit.resolve import UNKNOWN, CallValue, Resolver


def check(facts: Facts, r: Resolver) -> list[Hit]:
    """4-bit quantisation of a small model (ECO201), by the loaded model's size."""
    hits: list[Hit] = []
    used: set[int] = set()
    for site in facts.calls:
        if not (is_model_load(site) or is_pipeline(site)):
            continue
        quant = quant_of(site, r)
        if quant is None or quant.bits != 4:
            continue
        used.add(id(quant.site))
        model = model_id(site, r)
        if isinstance(model, CallValue):
            continue  # a pipeline over an already loaded model: judged at that load
        hit = _judge(site, quant, model)
        if hit is not None:
            hits.append(hit)
    for site in facts.calls:
        if is_bnb_config(site) and id(site.node) not in used:
            quant = quant_of(site, r)
            if quant is not None and quant.bits == 4:
                hits.append(_unknown_size(site.node, "this config is not passed to a model load the audit "
                                          "can resolve"))
    return hits


def _judge(site: CallSite, quant: Quant, model: object) -> Hit | None:
    from ecocompute.tools.evidence import SMALL_MODEL_MAX_B

    size = model_size(model)
    if size is None:
        return _unknown_size(site.node, f"the size of {model_label(model)} is not known")
    if size > SMALL_MODEL_MAX_B:
        return None
    severity = "conditional" if quant.enabled is UNKNOWN else "warning"
    maybe = "load_in_4bit is not known statically; if it is true, " if quant.enabled is UNKNOWN else ""
    return Hit("ECO201", severity, site.node,
               f"{maybe}4-bit bitsandbytes quantization of {model_label(model)} ({size:g}B parameters, at most "
               f"{SMALL_MODEL_MAX_B:g}B): dequantization overhead outweighs the memory saving, so it uses more "
               "energy than FP16. Load it in FP16 instead.", _fp16_fix(site.node))


def _unknown_size(node: ast.Call, why: str) -> Hit:
    from ecocompute.tools.evidence import SMALL_MODEL_MAX_B

    return Hit("ECO201", "info", node,
               f"4-bit bitsandbytes quantization, but {why}: on models of at most {SMALL_MODEL_MAX_B:g}B "
               "parameters it uses more energy than FP16; check the model size.",
               f"torch_dtype=torch.float16  # if the model has at most {SMALL_MODEL_MAX_B:g}B parameters")


def _fp16_fix(call: ast.Call) -> str:
    fp16 = ast.parse("torch.float16", mode="eval").body
    return with_keyword(call, "torch_dtype", fp16,
                        drop=("quantization_config", "load_in_4bit", "bnb_4bit_quant_type"))
