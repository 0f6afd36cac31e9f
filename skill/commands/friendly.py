"""Friendly tool subcommands (`lookup`, `compare`, `compare-gpus`, `estimate`, `recommend`, `diagnose`).

Flags are generated from the tool's arguments model, one per argument, typed from its annotation:
enums take their values (listed in `--help`), lists take `--gpus h100,b200` or a repeated flag,
booleans take `--x/--no-x`, numbers are parsed as numbers (pydantic checks the bounds). `--json` prints
the tool's JSON, otherwise rich tables.
"""

from __future__ import annotations

import argparse
import sys
import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from ecocompute.console import json_text, sanitize
from ecocompute.registry import ToolSpec, get_tool, run_tool

TOOL_FOR = {"lookup": "lookup_measurement", "compare": "compare_precisions", "compare-gpus": "compare_gpus",
            "estimate": "estimate_cost", "recommend": "recommend_config", "diagnose": "diagnose"}
_SCALARS: dict[Any, Any] = {int: int, float: float, str: str}
# What a person reads in `--help` for arguments the schemas leave undescribed (the model reads their names,
# types and the prompt's coverage instead, so the schemas stay short).
COMMON_HELP = {
    "gpu": "GPU name or alias (e.g. a800, 4090, h100; 2xB200 for a GPU count)",
    "model": "model name or Hugging Face id (e.g. Mistral-7B, Qwen/Qwen2.5-7B-Instruct)",
    "precision": "fp16, bf16, fp8, int8_default (load_in_8bit), int8_pure (llm_int8_threshold=0), nf4, ...",
    "batch_size": "batch size (max_num_seqs on vLLM)",
    "engine": "transformers or vllm",
    "volume": "how many requests or tokens, in --volume-unit",
    "params_b": "model size in billions of parameters (for a model not in the data)",
    "vram_gb": "GPU memory available, GB",
    "itl_deadline_ms": "inter-token latency deadline, ms (vLLM)",
    "observed_tokens_per_s": "the throughput you see, tokens/s",
    "observed_power_w": "the GPU power you see, W",
    "grid_basis": "the source of a country's grid intensity (never mixed)",
    "usd_per_kwh": "electricity price, USD per kWh (instead of the region's)",
    "grid_gco2_per_kwh": "grid carbon intensity, gCO2 per kWh (instead of the region's)",
    "pue": "power usage effectiveness of the data centre",
    "target_batch_size": "compare with this batch size",
    "load_in_8bit": "bitsandbytes load_in_8bit, as set in your code",
    "llm_int8_threshold": "bitsandbytes llm_int8_threshold, as set in your code",
    "load_in_4bit": "bitsandbytes load_in_4bit (NF4), as set in your code",
    "latency_metric": "which inter-token latency the deadline applies to",
    "num_gpus": "how many GPUs",
}


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    spec = get_tool(TOOL_FOR[name])
    add_tool_flags(parser, spec)
    parser.add_argument("--json", action="store_true", help="print the tool's JSON result")
    parser.set_defaults(run=run, tool=spec.name, fields=list(spec.args_model.model_fields))


def add_tool_flags(parser: argparse.ArgumentParser, spec: ToolSpec) -> None:
    """One typed flag per argument of `spec` (dest = the argument name, None when not given)."""
    for field, info in spec.args_model.model_fields.items():
        parser.add_argument("--" + field.replace("_", "-"), dest=field, **flag_options(field, info))


def _base(annotation: Any) -> Any:
    """The annotation without `None` (an optional argument's value type)."""
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        return members[0] if len(members) == 1 else annotation
    return annotation


def flag_options(field: str, info: FieldInfo) -> dict[str, Any]:
    """argparse options for one argument, from its type."""
    kind = _base(info.annotation)
    described = (info.description or "").replace("null = ", "if omitted: ")
    common = COMMON_HELP.get(field)
    help_text = f"{common}; {described}" if common and described else common or described or field.replace("_", " ")
    if not info.is_required() and info.default is not None:
        help_text += f" (default: {info.default})"
    options: dict[str, Any] = {"help": help_text, "default": None}
    if kind is bool:
        return {**options, "action": argparse.BooleanOptionalAction}
    if get_origin(kind) is Literal:
        values = [str(v) for v in get_args(kind)]
        return {**options, "choices": values, "metavar": "{" + ",".join(values) + "}", "required": info.is_required()}
    if get_origin(kind) is list:
        item = _SCALARS.get(_base(get_args(kind)[0]) if get_args(kind) else str, str)
        return {**options, "action": "extend", "type": _comma_list(item), "metavar": "A,B"}
    return {**options, "type": _SCALARS.get(kind, str), "required": info.is_required()}


def _comma_list(item: Any) -> Any:
    def parse(text: str) -> list[Any]:
        parts = [p.strip() for p in text.split(",") if p.strip()]
        try:
            return [item(p) for p in parts]
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a comma-separated list, got {text!r}") from None

    parse.__name__ = "list"  # argparse names the type in its error sentence
    return parse


def run(args: argparse.Namespace) -> int:
    arguments = {f: getattr(args, f) for f in args.fields if getattr(args, f) is not None}
    outcome = run_tool(args.tool, arguments)
    if outcome.is_error:
        sys.stderr.write(f"ecocompute: {sanitize(outcome.error)}\n")
        return 2
    if args.json:
        print(json_text(outcome.content))
        return 0
    from ecocompute.commands import render  # rich is imported only for human output

    render.show(args.tool, outcome.content)
    return 0
