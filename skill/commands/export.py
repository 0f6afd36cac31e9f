"""`ecocompute export`: the Agent Skill bundle and the JSON tool definitions, both from the registry.

`export skill DIR` writes `DIR/ecocompute/`: SKILL.md, the references (tables rendered from the data at
export time) and one script per tool. The scripts import the installed `ecocompute` package rather than
vendoring it: the tools need the dataset, pydantic and the registry, and a vendored copy would drift
from the data and the schemas. `run_script` below is what every bundled script calls.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecocompute.registry import ToolSpec

BUNDLE_NAME = "ecocompute"
MAX_CHARS = 50_000
# Bundled scripts' exit codes (also listed in SKILL.md).
EXIT_OK, EXIT_BAD_INPUT, EXIT_NO_PACKAGE, EXIT_INTERRUPTED = 0, 2, 4, 130
FORMATS = {"openai": "openai-chat", "openai-responses": "openai-responses",
           "anthropic": "anthropic", "mcp": "mcp"}

SCRIPT_TEMPLATE = '''#!/usr/bin/env python3
"""EcoCompute tool `{name}`: {description}

Prints the tool's JSON result on stdout. Arguments as flags (see --help) or as one JSON object with
--args. Exit codes: 0 result printed, 2 bad input (the reason on stderr, {{"error": ...}} on stdout),
4 the ecocompute package cannot be imported. Exported by ecocompute {version}.
"""

import os
import sys

# The Python that exported this bundle has the ecocompute package; the python3 on PATH may not.
EXPORTED_WITH = {python!r}
REQUIREMENT = {requirement!r}

try:
    from ecocompute.commands.export import run_script
except ImportError as exc:
    if os.path.isfile(EXPORTED_WITH) and not os.environ.get("ECOCOMPUTE_REEXEC"):
        os.environ["ECOCOMPUTE_REEXEC"] = "1"  # at most one hop
        os.execv(EXPORTED_WITH, [EXPORTED_WITH, os.path.abspath(__file__), *sys.argv[1:]])
    sys.stderr.write(
        "{name}: cannot import the ecocompute package (" + str(exc) + ") with " + sys.executable
        + "; install it with: " + sys.executable + " -m pip install '" + REQUIREMENT + "'\\n"
    )
    raise SystemExit(4) from None

raise SystemExit(run_script("{name}", sys.argv[1:], bundle_version="{version}"))
'''


class _ScriptParser(argparse.ArgumentParser):
    """A usage error is one sentence on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    subs = parser.add_subparsers(dest="what", metavar="{skill,tools}", required=True)
    skill = subs.add_parser("skill", help="Write the Agent Skill bundle to DIR/ecocompute/.",
                            description="Write the Agent Skill bundle to DIR/ecocompute/.")
    skill.add_argument("dir", type=Path, metavar="DIR", help="Folder to write the bundle into, e.g. ~/.claude/skills")
    skill.add_argument("--force", action="store_true", help="Replace an existing DIR/ecocompute/ bundle.")
    skill.set_defaults(run=run)
    tools = subs.add_parser("tools", help="Print the JSON tool definitions for one API.",
                            description="Print the JSON tool definitions for one API.")
    tools.add_argument("--format", required=True, choices=list(FORMATS),
                       help="openai (Chat Completions), openai-responses, anthropic, or mcp.")
    tools.add_argument("-o", "--output", type=Path, help="Write to FILE instead of stdout.")
    tools.add_argument("--force", action="store_true", help="Replace FILE if it exists.")
    tools.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecocompute.console import sanitize
    from ecocompute.files import WriteError

    try:
        if args.what == "tools":
            return _export_tools(args.format, args.output, force=args.force)
        return _export_skill(args.dir, force=args.force)
    except WriteError as exc:
        sys.stderr.write(f"ecocompute: {sanitize(str(exc))}\n")
        return EXIT_BAD_INPUT


def _export_tools(fmt: str, output: Path | None, *, force: bool) -> int:
    from ecocompute.files import write_text
    from ecocompute.schemas import export_all

    text = json.dumps(export_all(FORMATS[fmt]), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return 0
    write_text(output, text, force=force)
    return 0


def _export_skill(parent: Path, *, force: bool) -> int:
    dest = parent / BUNDLE_NAME
    write_bundle(dest, force=force)
    sys.stdout.write(f"Wrote the EcoCompute skill bundle to {dest}\n")
    return 0


def bundle_files(specs: Iterable[ToolSpec] | None = None) -> dict[str, str]:
    """Relative path -> text of every file in the bundle (scripts for `specs`, by default every tool)."""
    from importlib import resources

    from ecocompute import __version__
    from ecocompute.extras import requirement
    from ecocompute.prompting import reference_documents
    from ecocompute.registry import TOOLS

    files = {"SKILL.md": resources.files("ecocompute").joinpath("SKILL.md").read_text(encoding="utf-8")}
    files |= {f"references/{name}.md": text for name, text in reference_documents().items()}
    for spec in TOOLS if specs is None else specs:
        script = SCRIPT_TEMPLATE.format(name=spec.name, version=__version__, python=sys.executable,
                                        requirement=requirement(),
                                        description=spec.description.replace('"""', "'''"))
        files[f"scripts/{spec.name}.py"] = script
    return files


def write_bundle(dest: Path, specs: Iterable[ToolSpec] | None = None, *, force: bool = True) -> Path:
    """Write the bundle into `dest` and return it: each file atomically, replacing only the files a
    previous export wrote (its manifest); files a user added to the folder are kept."""
    from ecocompute.files import write_tree

    files = bundle_files(specs)  # render everything before touching the disk
    modes = {rel: 0o755 for rel in files if rel.startswith("scripts/")}
    write_tree(dest, files, force=force, modes=modes, marker="SKILL.md")
    return dest


# --- what the bundled scripts run --------------------------------------------------------------


def script_parser(name: str) -> argparse.ArgumentParser:
    """The flags of one bundled script, one per tool argument, from the registry."""
    from ecocompute.registry import get_tool

    spec = get_tool(name)
    parser = _ScriptParser(prog=f"{name}.py", description=spec.description,
                           epilog="Exit codes: 0 result printed; 2 bad input; 4 ecocompute not importable.")
    parser.add_argument("--args", metavar="JSON", help="All arguments as one JSON object (flags override it).")
    for field, info in spec.args_model.model_fields.items():
        required = " (required)" if info.is_required() else f" (default: {json.dumps(info.default)})"
        parser.add_argument(f"--{field.replace('_', '-')}", dest=f"arg_{field}", metavar="VALUE",
                            help=f"{info.description or field}{required}. A value @PATH is read from that file.")
    parser.add_argument("--max-chars", type=int, default=MAX_CHARS,
                        help=f"Truncate the output beyond this many characters (default {MAX_CHARS}).")
    parser.add_argument("--pretty", action="store_true", help="Indent the JSON for people.")
    return parser


def _flag_value(flag: str, raw: str, from_files: dict[str, str]) -> Any:
    """A flag's value: `@PATH` reads a file (noted in `from_files`); a JSON array or object is parsed;
    the rest stays text."""
    from ecocompute.safejson import JSONInputError, loads

    if raw.startswith("@"):
        try:
            text = Path(raw[1:]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read {raw[1:]} ({getattr(exc, 'strerror', None) or type(exc).__name__})") from None
        from_files[raw[1:]] = text
        return text
    if raw[:1] in "[{":
        try:
            return loads(raw)
        except JSONInputError as exc:
            if "nested" in exc.reason or "number" in exc.reason:
                raise ValueError(f"--{flag} is {exc.reason}") from None
            return raw
    return raw


def script_arguments(ns: argparse.Namespace, from_files: dict[str, str] | None = None) -> dict[str, Any]:
    """Merge `--args` JSON and the flags; a bad value raises `ValueError` with one sentence."""
    from ecocompute.safejson import JSONInputError, loads

    arguments: dict[str, Any] = {}
    if ns.args is not None:
        try:
            arguments = loads(ns.args)
        except JSONInputError as exc:
            raise ValueError(f"--args is {exc.reason}") from None
        if not isinstance(arguments, dict):
            raise ValueError("--args must be a JSON object, e.g. '{\"gpu\": \"a800\"}'")
    for key, value in vars(ns).items():
        if key.startswith("arg_") and value is not None:
            flag = key.removeprefix("arg_")
            arguments[flag] = _flag_value(flag.replace("_", "-"), value, {} if from_files is None else from_files)
    return arguments


def bounded(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters and a marker saying what was cut."""
    if len(text) <= limit:
        return text
    return (text[: max(limit, 0)] + f"\n[ecocompute: output truncated: {limit} of {len(text)} characters "
            "shown; narrow the query or raise --max-chars]")


def run_script(name: str, argv: list[str], *, bundle_version: str) -> int:
    """Run one tool from the command line and print its JSON; the body of every bundled script."""
    from ecocompute import __version__
    from ecocompute.registry import run_tool

    ns = script_parser(name).parse_args(argv)
    if bundle_version != __version__:
        sys.stderr.write(f"{name}: note: bundle exported by ecocompute {bundle_version}, "
                         f"running with {__version__}; re-export it with `ecocompute export skill`.\n")
    from_files: dict[str, str] = {}
    try:
        arguments = script_arguments(ns, from_files)
    except ValueError as exc:
        return _bad_input(name, str(exc) + ".")
    try:
        outcome = run_tool(name, arguments)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    if outcome.is_error:
        return _bad_input(name, _without_file_contents(outcome.error or "invalid input.", from_files))
    text = json.dumps(outcome.content, ensure_ascii=False, indent=2 if ns.pretty else None)
    sys.stdout.write(bounded(text, ns.max_chars) + "\n")
    return EXIT_OK


def _without_file_contents(sentence: str, from_files: dict[str, str]) -> str:
    """An error about a value read from `@PATH` names the file, never echoes what is in it."""
    if not from_files:
        return sentence
    import re

    for path, text in from_files.items():
        pieces = {text, repr(text), repr(text)[1:-1], *(line.strip() for line in text.splitlines())}
        for piece in sorted((p for p in pieces if len(p) >= 3), key=len, reverse=True):
            sentence = sentence.replace(piece, f"<contents of {path}>")
    texts = list(from_files.values())

    def quoted(match: re.Match[str]) -> str:  # a quoted piece of a file (cut or re-escaped) goes too
        inner = match[0][1:-1]
        return "'…'" if len(inner) >= 3 and any(inner in t or inner in repr(t) for t in texts) else match[0]

    return re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", quoted, sentence)


def _bad_input(name: str, sentence: str) -> int:
    sys.stdout.write(json.dumps({"error": sentence}, ensure_ascii=False) + "\n")
    sys.stderr.write(f"{name}: {sentence}\n")
    return EXIT_BAD_INPUT
