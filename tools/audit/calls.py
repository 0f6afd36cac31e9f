"""What the rules share: the `Hit` they return, and how calls are classified and read
(model loads, bitsandbytes configs, model ids, dtypes)."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ecocompute.tools.audit.collect import CallSite, Facts
from ecocompute.tools.audit.resolve import UNKNOWN, CallValue, DictValue, Dotted, Partial, Resolver

_NOT_MODELS = ("Tokenizer", "Processor", "Config", "FeatureExtractor")
_FP32 = frozenset({"torch.float32", "torch.float", "float32", "fp32"})


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule match before rendering: where, what, and the fix as code."""

    rule: str
    severity: str
    node: ast.AST
    message: str
    fix: str
    versions: dict[str, str] | None = None  # package -> version the finding depends on


@dataclass(frozen=True, slots=True)
class Quant:
    """bitsandbytes quantization in effect at a site: bits, whether enabled (True or UNKNOWN)."""

    bits: int
    enabled: object
    options: dict[str, object]
    site: ast.Call  # where the config is written (the BitsAndBytesConfig call, or the load call)
    scope: int


_QUANT_KEYS = frozenset({"load_in_8bit", "load_in_4bit", "quantization_config", "model_kwargs"})


def has_keyword(site: CallSite, names: frozenset[str]) -> bool:
    """Whether the call passes one of `names` or a `**` expansion (cheap test before resolving)."""
    return any(kw.arg is None or kw.arg in names for kw in site.node.keywords)


def is_bnb_config(site: CallSite) -> bool:
    """A `BitsAndBytesConfig(...)` call."""
    return site.attr == "BitsAndBytesConfig"


def is_model_load(site: CallSite) -> bool:
    """`X.from_pretrained(...)` for a model class (not a tokenizer, processor or config)."""
    if site.attr != "from_pretrained":
        return False
    owner = site.name.rpartition(".")[0].rpartition(".")[2]
    return not any(word in owner for word in _NOT_MODELS)


def is_pipeline(site: CallSite) -> bool:
    """A transformers `pipeline(...)` call."""
    return site.attr == "pipeline"


def effective_kwargs(site: CallSite, r: Resolver) -> dict[str, object]:
    """Keywords of a call with `**dicts` (and a pipeline's `model_kwargs`) merged in."""
    values = r.kwargs(site.node, site.scope).values
    extra = values.get("model_kwargs")
    if is_pipeline(site) and isinstance(extra, DictValue):
        values = {**values, **extra}
    return values


def quant_of(site: CallSite, r: Resolver) -> Quant | None:
    """The 8- or 4-bit quantization a call sets, following `quantization_config=` to its config."""
    if site.name == "dict" or not has_keyword(site, _QUANT_KEYS):
        return None  # a dict is judged where it is expanded or passed
    kwargs = effective_kwargs(site, r)
    if is_bnb_config(site):
        return _quant(kwargs, site.node, site.scope)
    direct = _quant(kwargs, site.node, site.scope)
    if direct is not None:
        return direct
    config = kwargs.get("quantization_config")
    if isinstance(config, CallValue) and config.attr == "BitsAndBytesConfig":
        inner = r.kwargs(config.node, config.scope).values
        return _quant(inner, config.node, config.scope)
    if isinstance(config, DictValue):
        return _quant(config, site.node, site.scope)
    return None


def _quant(options: dict[str, object], site: ast.Call, scope: int) -> Quant | None:
    for bits, key in ((8, "load_in_8bit"), (4, "load_in_4bit")):
        if key not in options:
            continue
        value = options[key]
        if value is True or (isinstance(value, int) and not isinstance(value, bool) and value != 0):
            return Quant(bits, True, options, site, scope)
        if not _is_static_false(value):
            return Quant(bits, UNKNOWN, options, site, scope)
    return None


def _is_static_false(value: object) -> bool:
    return value is None or value is False or value == 0 or value == ""


def model_id(site: CallSite, r: Resolver) -> object:
    """The model id a load call names (literal, variable, constant or f-string), or UNKNOWN."""
    node = site.node
    if is_pipeline(site):
        expr = next((kw.value for kw in node.keywords if kw.arg == "model"), None)
    else:
        expr = node.args[0] if node.args else next(
            (kw.value for kw in node.keywords if kw.arg == "pretrained_model_name_or_path"), None)
    return UNKNOWN if expr is None else r.value(expr, site.scope)


def model_label(value: object) -> str:
    """How a finding names the model: its id, a partly known id with gaps, or 'a model not known statically'."""
    if isinstance(value, str):
        return value
    return value.display() if isinstance(value, Partial) else "a model not known statically"


def model_size(value: object) -> float | None:
    """Billions of parameters: from the dataset's model list or a size token; None when unknown."""
    from ecocompute.tools.evidence import model_params_b  # dataset load only when needed

    if isinstance(value, str):
        return model_params_b(value)
    if isinstance(value, Partial):
        sizes = {s for s in (model_params_b(lit) for lit in value.literals()) if s is not None}
        return sizes.pop() if len(sizes) == 1 else None
    return None


def is_fp32(value: object) -> bool:
    """A dtype value that means FP32 (`torch.float32`, `"float32"`, ...)."""
    name = value.name if isinstance(value, Dotted) else value
    return isinstance(name, str) and name in _FP32


def loads(facts: Facts) -> list[CallSite]:
    """Every model load (`X.from_pretrained`) of the module."""
    return [s for s in facts.calls if is_model_load(s)]


def unparse(node: ast.AST) -> str:
    """The source text of `node` (re-rendered, so without comments)."""
    return ast.unparse(node)


def with_keyword(call: ast.Call, name: str, value: ast.expr, drop: tuple[str, ...] = ()) -> str:
    """Source of `call` with keyword `name` set to `value` (other keywords in `drop` removed)."""
    keywords = [kw for kw in call.keywords if kw.arg != name and kw.arg not in drop]
    keywords.append(ast.keyword(arg=name, value=value))
    return ast.unparse(ast.Call(func=call.func, args=call.args, keywords=keywords))
