"""Friendly tool subcommands (`lookup`, `compare`, `compare-gpus`, `estimate`, `recommend`, `diagnose`).

Flags map one to one onto the tool's arguments; `--json` prints the tool's JSON, otherwise rich tables.
"""

from __future__ import annotations

import argparse
import sys

from ecocompute.console import json_text, sanitize
from ecocompute.registry import get_tool, run_tool

TOOL_FOR = {"lookup": "lookup_measurement", "compare": "compare_precisions", "compare-gpus": "compare_gpus",
            "estimate": "estimate_cost", "recommend": "recommend_config", "diagnose": "diagnose"}


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    spec = get_tool(TOOL_FOR[name])
    for field, info in spec.args_model.model_fields.items():
        flag = "--" + field.replace("_", "-")
        annotation = str(info.annotation)
        if "bool" in annotation:
            parser.add_argument(flag, dest=field, type=_bool, metavar="true|false", help=info.description)
        else:
            kind = int if "int" in annotation and "float" not in annotation else float if "float" in annotation else str
            parser.add_argument(flag, dest=field, type=kind, help=info.description, required=info.is_required())
    parser.add_argument("--json", action="store_true", help="print the tool's JSON result")
    parser.set_defaults(run=run, tool=spec.name, fields=list(spec.args_model.model_fields))


def _bool(text: str) -> bool:
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


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

