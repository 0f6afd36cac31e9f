"""`ecocompute ask "QUESTION"`: one question through the agent loop, then the grounding report.

The model defaults to `ECOCOMPUTE_MODEL` (read here, in the CLI only) or the offline engine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecocompute.console import json_text, make_console, print_markdown, sanitize

if TYPE_CHECKING:
    from rich.console import Console

    from ecocompute.grounding import GroundingReport
    from ecocompute.messages import Message, ToolRun, Transcript
    from ecocompute.providers.base import Model

MAX_FILE_CHARS = 200_000
TOOL_PREVIEW_CHARS = 600


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("question", help="The question, in English or Chinese.")
    parser.add_argument("--file", type=Path, help="Attach a file (e.g. inference code to audit).")
    add_model_options(parser)
    parser.add_argument("--json", action="store_true", help="Print the answer, tool calls and grounding as JSON.")
    parser.add_argument("--show-tools", action="store_true", help="Print each tool call and its result.")
    parser.add_argument("--strict", action="store_true", help="Exit 1 if any number in the answer is unverified.")
    parser.add_argument("--plot", type=Path, metavar="FILE.svg", help="Write the answer's bar chart as SVG.")
    parser.add_argument("--force", action="store_true", help="Replace an existing --plot file.")
    parser.set_defaults(run=run)


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """`-m/--model`, `--base-url` and `--timeout`: the model a command talks to (ask, chat, eval)."""
    from ecocompute.providers.base import DEFAULT_TIMEOUT

    parser.add_argument("-m", "--model", default=None,
                        help="provider:model, e.g. offline, openai:MODEL, anthropic:MODEL (default: $ECOCOMPUTE_MODEL or offline).")
    parser.add_argument("--base-url", default=None, help="Base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp).")
    parser.add_argument("--timeout", type=seconds, default=None, metavar="SECONDS",
                        help=f"Give up on a model request after this many seconds (default {DEFAULT_TIMEOUT:g}).")


def seconds(text: str) -> float:
    """A `--timeout` value: a positive, finite number of seconds (argparse turns ValueError into a usage error)."""
    value = float(text)
    if not 0 < value <= 3600:
        raise ValueError(text)
    return value


def model_id(args: argparse.Namespace) -> str:
    return args.model or os.environ.get("ECOCOMPUTE_MODEL") or "offline"


def run(args: argparse.Namespace) -> int:
    from ecocompute.messages import ModelError

    if args.plot is not None and args.plot.suffix.lower() != ".svg":
        return _fail(f"--plot writes SVG only; give a file name ending in .svg (got {args.plot.name}).", 2)
    if args.plot is not None and not _plot_writable(args.plot, args.force):
        return 2
    question = _with_file(args.question, args.file)
    if question is None:
        return 2
    console = _console(args.json)
    try:
        model = build_model(model_id(args), args.base_url, args.timeout)
        transcript = ask(model, [_user(question)], console, show_tools=args.show_tools and not args.json)
    except ModelError as exc:
        return _fail(exc.message, 3)
    report = grounding(transcript)
    if args.json:
        sys.stdout.write(json_text(_as_json(transcript, report)) + "\n")
    else:
        show_answer(console, transcript, report)
    if args.plot is not None and not write_plot(transcript, args.plot, console):
        return 2
    dropped = _dropped_inputs(transcript, console if not args.json else None)
    return 1 if args.strict and (report.unverified or dropped) else 0


def _dropped_inputs(transcript: Transcript, console: Console | None) -> list[str]:
    """Input grounding: stated numbers passed to no tool and not named as not used (printed, and fail --strict)."""
    from ecocompute.input_grounding import check_inputs

    dropped = [d.text.strip() for d in check_inputs(transcript).dropped]
    if dropped and console is not None:
        console.print(f"[bold red]{len(dropped)} stated number(s) dropped[/] (passed to no tool, not named as not used): "
                      + ", ".join(dropped), highlight=False)
    return dropped


def _fail(sentence: str, code: int) -> int:
    sys.stderr.write(f"ecocompute: {sanitize(sentence)}\n")
    return code


def _user(text: str) -> Message:
    from ecocompute.messages import Message

    return Message.user(text)


def _with_file(question: str, path: Path | None) -> str | None:
    """The question with the file attached as a fenced block (None after printing why it failed)."""
    if path is None:
        return question
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"Cannot read {path} ({exc.__class__.__name__}).", 2)
        return None
    if len(text) > MAX_FILE_CHARS:
        _fail(f"{path} is larger than {MAX_FILE_CHARS} characters; audit it with `ecocompute audit {path}`.", 2)
        return None
    lang = "python" if path.suffix == ".py" else ""
    return f"{question}\n\nAttached file: `{path.name}`\n```{lang}\n{text.rstrip()}\n```\n"


def _console(quiet: bool) -> Console:
    return make_console(stderr=quiet)


def build_model(model: str, base_url: str | None, timeout: float | None = None) -> Model:
    from ecocompute.providers.base import make_model

    return make_model(model, base_url=base_url, timeout=timeout)


def ask(model: Model, conversation: list[Message], console: Console, *, show_tools: bool) -> Transcript:
    """Run the loop with a spinner; with `show_tools`, print each call and result as it finishes."""
    from ecocompute.loop import run_agent
    from ecocompute.prompting import system_prompt

    system = system_prompt()
    with make_console(stderr=True).status(f"[dim]{sanitize(model.id, markup=True)} is working…[/]", spinner="dots") as status:
        def on_tool(run: ToolRun) -> None:
            status.update(f"[dim]ran {sanitize(run.call.name, markup=True)}…[/]")
            if show_tools:
                print_tool(console, run)
        return run_agent(model, conversation, system=system, on_tool=on_tool)


def print_tool(console: Console, run: ToolRun) -> None:
    mark = "[red]error[/]" if run.result.is_error else "[green]ok[/]"
    call = sanitize(f"{run.call.name}({json.dumps(run.call.arguments, ensure_ascii=False)[:300]})", markup=True)
    console.print(f"[bold cyan]tool[/] {call} {mark} "
                  f"[dim]{run.seconds * 1000:.0f} ms[/]", highlight=False, markup=True, soft_wrap=True)
    preview = run.result.content[:TOOL_PREVIEW_CHARS] + ("…" if len(run.result.content) > TOOL_PREVIEW_CHARS else "")
    console.print(sanitize(preview), style="dim", highlight=False, markup=False, soft_wrap=True)


def grounding(transcript: Transcript) -> GroundingReport:
    from ecocompute.grounding import check_grounding

    return check_grounding(transcript)


def show_answer(console: Console, transcript: Transcript, report: GroundingReport) -> None:
    """The answer as markdown, the bar charts from the tool results, and the grounding report."""
    from ecocompute.offline.charts import series, text_bars

    print_markdown(console, transcript.answer)
    for s in series(transcript):
        console.print()
        console.print(sanitize(text_bars(s)), highlight=False, markup=False)
    console.print()
    print_grounding(console, report)


def print_grounding(console: Console, report: GroundingReport) -> None:
    verified = report.verified
    sample = sanitize(", ".join(f"{g.text.strip()} ← {g.source}" for g in verified[:4]), oneline=True, markup=True)
    console.print(f"[bold]Grounding:[/] {len(verified)} number(s) verified against the tool results or the question"
                  + (f" (e.g. {sample}{', …' if len(verified) > 4 else ''})" if verified else "")
                  + f"; {len(report.ignored)} ignored (names, code, small counts).", highlight=False, soft_wrap=True)
    if report.unverified:
        console.print(f"[bold red]{len(report.unverified)} unverified number(s):[/]")
        for g in report.unverified:
            console.print(f"  [red]{sanitize(g.text.strip(), oneline=True, markup=True)}[/]: {sanitize(g.note, markup=True)}",
                          highlight=False)
    else:
        console.print("[green]Every number in the answer is traced to a tool result or the question.[/]")


def write_plot(transcript: Transcript, path: Path, console: Console) -> bool:
    from ecocompute.offline.charts import series, svg

    found = series(transcript)
    if not found:
        console.print("[yellow]No chart: the answer has no series of comparable measurements; --plot wrote nothing.[/]")
        return True
    from ecocompute.files import WriteError, write_text

    try:
        write_text(path, svg(found), force=True)  # existence was checked (with --force) before the run
    except WriteError as exc:
        _fail(str(exc), 2)
        return False
    console.print(f"[dim]Chart written to {sanitize(path, oneline=True, markup=True)}.[/]")
    return True


def _plot_writable(path: Path, force: bool) -> bool:
    from ecocompute.files import WriteError, refuse_existing

    try:
        refuse_existing(path, force=force)
    except WriteError as exc:
        _fail(str(exc), 2)
        return False
    return True


def _as_json(transcript: Transcript, report: GroundingReport) -> dict[str, Any]:
    return {
        "model": transcript.model_id,
        "answer": transcript.answer,
        "tool_calls": [{"name": r.call.name, "arguments": r.call.arguments, "is_error": r.result.is_error,
                        "result": json.loads(r.result.content)} for r in transcript.tool_runs],
        "grounding": {"ok": report.ok, **report.model_dump(mode="json")},
        "usage": transcript.usage.model_dump(), "seconds": round(transcript.seconds, 3),
    }
