"""ECO101 / ECO102 / ECO103: bitsandbytes INT8 with outlier decomposition left on, or turned off.

Found wherever the config is written: `load_in_8bit=True` on a load call, a `BitsAndBytesConfig`
(also when held in a variable and passed elsewhere), a dict passed with `**` or as
`quantization_config` / a pipeline's `model_kwargs`. One finding per place the config is written.
"""

from __future__ import annotations

import ast

from ecocompute.tools.audit.calls import Hit, Quant, is_bnb_config, quant_of, with_keyword
from ecocompute.tools.audit.collect import Facts
from ecocompute.tools.audit.resolve import UNKNOWN, Resolver

BNB_DEFAULT_THRESHOLD = 6.0  # bitsandbytes' documented default for llm_int8_threshold
_MISSING = object()
_ALTERNATIVES = ("Alternatives: FP16 (`torch_dtype=torch.float16`, no quantization), or NF4 "
                 "(`BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type=\"nf4\")`) on models "
                 "above 3B parameters where memory is the constraint.")
_CAVEAT = "llm_int8_threshold=0.0 removes the decomposition but costs accuracy: check perplexity first."


def check(facts: Facts, r: Resolver) -> list[Hit]:
    """bitsandbytes INT8 findings (ECO101-ECO103), one per quantised load, by its llm_int8_threshold."""
    hits: list[Hit] = []
    seen: set[int] = set()
    for site in facts.calls:
        quant = quant_of(site, r)
        if quant is None or quant.bits != 8 or id(quant.site) in seen:
            continue
        seen.add(id(quant.site))
        hit = _judge(quant, is_config=is_bnb_config(site) or quant.site is not site.node)
        if hit is not None:
            hits.append(hit)
    return hits


def _judge(quant: Quant, is_config: bool) -> Hit | None:
    threshold = quant.options.get("llm_int8_threshold", _MISSING)
    fix = _fix(quant.site, is_config)
    if quant.enabled is UNKNOWN:
        return Hit("ECO101", "conditional", quant.site,
                   "load_in_8bit is not known statically; if it is true this is bitsandbytes INT8 with the "
                   f"default outlier threshold, which costs more energy than FP16. {_CAVEAT} {_ALTERNATIVES}", fix)
    if threshold is _MISSING or _number(threshold) == BNB_DEFAULT_THRESHOLD:
        return Hit("ECO101", "critical", quant.site,
                   "bitsandbytes INT8 with the default llm_int8_threshold runs mixed-precision decomposition, "
                   f"which costs more energy than FP16. {_CAVEAT} {_ALTERNATIVES}", fix)
    number = _number(threshold)
    if number == 0:
        return Hit("ECO103", "info", quant.site,
                   "llm_int8_threshold=0.0 turns the mixed-precision decomposition off, which recovers most of the "
                   "INT8 energy penalty, but outlier features are then quantised too: accuracy can drop, so check "
                   f"perplexity or task accuracy before deploying. {_ALTERNATIVES}", _fix_alternative(quant.site))
    if number is None:
        return Hit("ECO101", "conditional", quant.site,
                   "llm_int8_threshold is not known statically; any non-zero value keeps the mixed-precision "
                   f"decomposition that costs more energy than FP16. {_CAVEAT} {_ALTERNATIVES}", fix)
    return Hit("ECO102", "warning", quant.site,
               f"llm_int8_threshold={number:g} keeps the mixed-precision decomposition (the measurements cover "
               f"the default threshold). {_CAVEAT} {_ALTERNATIVES}", fix)


def _fix_alternative(site: ast.Call) -> str:
    return "# keep llm_int8_threshold=0.0 only after an accuracy check; otherwise: torch_dtype=torch.float16"


def _number(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _fix(site: ast.Call, is_config: bool) -> str:
    zero = ast.Constant(0.0)
    if is_config and _callee_attr(site) == "BitsAndBytesConfig":
        return with_keyword(site, "llm_int8_threshold", zero)
    config = ast.parse("BitsAndBytesConfig(load_in_8bit=True, llm_int8_threshold=0.0)", mode="eval").body
    return with_keyword(site, "quantization_config", config, drop=("load_in_8bit", "llm_int8_threshold"))


def _callee_attr(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
