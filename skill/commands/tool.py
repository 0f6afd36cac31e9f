"""`ecocompute tool`: run one tool non-interactively and print its JSON result (for scripts and agents)."""

from __future__ import annotations

import argparse
import json
import sys

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
        arguments = json.loads(args.args)
    except json.JSONDecodeError as exc:
        raise ToolInputError(f"--args is not valid JSON ({exc.msg} at position {exc.pos}).") from None
    except RecursionError:
        raise ToolInputError("--args is nested too deeply to be tool arguments.") from None
    except ValueError:  # an integer longer than Python converts (4,300 digits by default)
        raise ToolInputError("--args holds a number too long to be a tool argument.") from None
    if not isinstance(arguments, dict):
        raise ToolInputError("--args must be a JSON object, e.g. '{\"gpu\": \"rtx4090d\"}'.")
    outcome = run_tool(args.tool, arguments)
    if outcome.is_error:
        sys.stderr.write(f"ecocompute: {sanitize(outcome.error)}\n")
        return 2
    print(json_text(outcome.content))
    return 0
