"""The `ecocompute` command: a thin dispatcher over command modules in `ecocompute.commands`.

Each command module exposes `configure(parser)` and `run(args) -> int` and keeps heavy imports
(SDKs, rich, jinja2) inside `run`, so that `ecocompute tool …` starts fast. This module imports no
pydantic itself, and `ecocompute`, `--help` and `--version` import no command module.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from importlib import import_module

from ecocompute import __version__, console

DESCRIPTION = ("EcoCompute: advice on running LLMs on NVIDIA GPUs without wasting energy. Every number "
               "comes from a deterministic tool over measured data, with the rows behind it.")

# name -> (module under ecocompute.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "ask": ("ask", "Ask a question; answered by the offline engine or a model (-m provider:model)."),
    "chat": ("chat", "Interactive chat with history (/model, /exit)."),
    "tool": ("tool", "Run one tool non-interactively and print its JSON result."),
    "lookup": ("friendly", "Measured rows for a GPU / model / precision / batch size."),
    "compare": ("friendly", "Precision comparison table (FP16, NF4, INT8 default, INT8 pure)."),
    "compare-gpus": ("friendly", "The same model across GPUs within one engine and dataset."),
    "estimate": ("friendly", "Monthly kWh, cost and CO2 for a volume of requests."),
    "recommend": ("friendly", "Recommended precision and batch size."),
    "diagnose": ("friendly", "Explain slow or power-hungry inference from settings and symptoms."),
    "audit": ("audit", "Audit Python code for energy waste (text, JSON or SARIF)."),
    "eval": ("eval", "Run the eval scenarios against a model and grade the answers."),
    "export": ("export", "Export the Agent Skill bundle or tool schemas."),
    "mcp": ("mcp", "Serve the tools, references and protocols over MCP (stdio)."),
    "completion": ("completion", "Print a shell completion script: bash, zsh or fish."),
}
# commands that print through the rich console and so take --width
RICH_OUTPUT = frozenset({"ask", "chat", "lookup", "compare", "compare-gpus", "estimate", "recommend", "diagnose", "eval"})
# commands that run one tool (or none) and print: their process makes no garbage worth collecting
ONE_SHOT = frozenset({"tool", "lookup", "compare", "compare-gpus", "estimate", "recommend", "diagnose", "completion"})
# commands that are one-shot unless given a directory (`audit FILE` vs a tree walked in this process)
ONE_SHOT_WITHOUT_DIRECTORY = frozenset({"audit"})


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one sentence and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"ecocompute: error: {console.sanitize(message)}\n")
        raise SystemExit(2)


def build_parser(*, with_command_arguments: bool = True) -> argparse.ArgumentParser:
    """The whole parser (completion scripts read it). Without the commands' own arguments it is what
    `ecocompute`, `--help` and `--version` need, and imports no command module (nor pydantic)."""
    parser = _Parser(prog="ecocompute", description=DESCRIPTION,
                     epilog="Start with: ecocompute ask \"...\" (no API key needed), or ecocompute tool --list.")
    parser.add_argument("--version", action="version", version=f"ecocompute {__version__}")
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (module, help_text) in COMMANDS.items():
        sub = subs.add_parser(name, help=help_text, description=help_text)
        if with_command_arguments:
            _configure(sub, name)
    return parser


def _configure(sub: argparse.ArgumentParser, name: str) -> None:
    _command_module(COMMANDS[name][0]).configure(sub, name)
    if name in RICH_OUTPUT:
        sub.add_argument("--width", type=console.columns, default=None, metavar="COLUMNS",
                         help="Render for this many columns (default: the terminal's; no wrapping in a pipe).")


def _command_module(module: str):
    return import_module(f"ecocompute.commands.{module}")


def _selected_parser(argv: list[str]) -> argparse.ArgumentParser:
    """Build only the sub-parser that argv asks for, so one command does not import the others."""
    name = argv[0] if argv and argv[0] in COMMANDS else None
    if name is None:
        return build_parser(with_command_arguments=any(arg in COMMANDS for arg in argv))
    parser = _Parser(prog="ecocompute")
    subs = parser.add_subparsers(dest="command", parser_class=_Parser)
    help_text = COMMANDS[name][1]
    _configure(subs.add_parser(name, help=help_text, description=help_text), name)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code.

    Without `argv` (the console script, `python -m ecocompute.cli`) the process exits when this returns.
    A one-shot command (`ONE_SHOT`: imports, one tool call, a print; `audit` of files, not of a directory)
    then runs without the cyclic garbage collector, whose passes over the imported modules, classes and
    pydantic schemas free nothing; and every command ends by moving its objects out of the collector's
    reach (`gc.freeze`), so that the interpreter's shutdown does not walk them all once more. Measured by
    `python -m benchmarks.cold_start`.
    Called with `argv` (tests, other Python code), the process goes on and the collector is left alone.
    """
    if argv is not None:
        return _run(list(argv))
    argv = sys.argv[1:]
    if argv and argv[0] in ONE_SHOT | ONE_SHOT_WITHOUT_DIRECTORY:
        gc.disable()
    try:
        return _run(argv, own_process=True)
    finally:
        gc.freeze()


def _walks_a_tree(args: argparse.Namespace) -> bool:
    return args.command in ONE_SHOT_WITHOUT_DIRECTORY and any(os.path.isdir(p) for p in args.paths)


def _run(argv: list[str], own_process: bool = False) -> int:
    console.harden_stdio()
    args = _selected_parser(argv).parse_args(argv)
    if own_process and _walks_a_tree(args):
        gc.enable()  # many files audited in this process: let the collector run
    if args.command is None:
        build_parser(with_command_arguments=False).print_help()
        return 0
    console.set_width(getattr(args, "width", None))
    from ecocompute.tools.errors import ToolInputError  # pydantic: only once a command runs

    try:
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except ToolInputError as exc:
        sys.stderr.write(f"ecocompute: {console.sanitize(exc.message)}\n")
        return 2
    except ModuleNotFoundError as exc:  # an optional dependency (extra) that is not installed
        from ecocompute.extras import missing_extra_sentence

        sentence = missing_extra_sentence(exc, f"ecocompute {args.command}")
        if sentence is None:
            raise
        sys.stderr.write(f"ecocompute: {console.sanitize(sentence)}\n")
        return 2
    except BrokenPipeError:  # output piped into `head` and closed early
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("ecocompute: interrupted.\n")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
