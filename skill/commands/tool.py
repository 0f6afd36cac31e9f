"""`ecocompute tool`: run one tool non-interactively and print its JSON result (for scripts and agents)."""

from __future__ import annotations

import argparse
import sys

from ecocompute import safejson
from ecocompute.console import json_text, sanitize
from ecocompute.registry import TOOLS, run_tool
from ecocompute.tools.errors import ToolInputError


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("tool", nargs="?", help="tool name (see --list)")
    parser.add_argument("--args", default="{}", help="the tool's arguments as a JSON object")
    parser.add_argument("--list", action="store_true", help="list the tools with their arguments")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.list or not args.tool:
        for spec in TOOLS:
            params = ", ".join(spec.args_model.model_fields)
            print(f"{spec.name}({params})\n    {spec.description}")
        return 0
    try:
        arguments = safejson.loads(args.args)
    except safejson.JSONInputError as exc:  # also NaN, deep nesting and integers over 400 digits
        raise ToolInputError(f"--args is {exc.reason}.") from None
    if not isinstance(arguments, dict):
        raise ToolInputError("--args must be a JSON object, e.g. '{\"gpu\": \"rtx4090d\"}'.")
    outcome = run_tool(args.tool, arguments)
    if outcome.is_error:
        sys.stderr.write(f"ecocompute: {sanitize(outcome.error)}\n")
        return 2
    print(json_text(outcome.content))
    return 0
