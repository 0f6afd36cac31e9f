"""`ecocompute chat`: a REPL with the conversation kept for follow-ups (`/model`, `/exit`)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ecocompute.commands import ask as single
from ecocompute.console import make_console, sanitize

if TYPE_CHECKING:
    from rich.console import Console

    from ecocompute.messages import Message
    from ecocompute.providers.base import Model

HELP = ("Ask in English or Chinese. Commands: /model provider:model (switch; the history is kept), "
        "/tools (toggle tool output), /reset (forget the history), /exit.")


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    single.add_model_options(parser)
    parser.add_argument("--show-tools", action="store_true", help="Print each tool call and its result.")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecocompute.messages import ModelError

    _tolerant_stdin()
    console = make_console()
    try:
        model = single.build_model(single.model_id(args), args.base_url, args.timeout)
    except ModelError as exc:
        sys.stderr.write(f"ecocompute: {sanitize(exc.message)}\n")
        return 3
    console.print(f"[bold]EcoCompute chat[/] with [cyan]{_s(model.id)}[/]. {HELP}")
    return _repl(console, model, args)


def _s(text: str) -> str:
    return sanitize(text, markup=True)


def _tolerant_stdin() -> None:
    """A byte that is not valid in the input encoding becomes U+FFFD instead of ending the session."""
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")


def _repl(console: Console, model: Model, args: argparse.Namespace) -> int:
    from ecocompute.messages import Message, ModelError

    history: list[Message] = []
    show_tools = bool(args.show_tools)
    while True:
        try:
            line = console.input("[bold green]you>[/] ").strip()
        except EOFError:
            return 0
        if not line:
            continue
        if line.startswith("/"):
            done, model, history, show_tools = _command(console, line, model, history, show_tools, args)
            if done:
                return 0
            continue
        try:
            transcript = single.ask(model, history + [Message.user(line)], console, show_tools=show_tools)
        except ModelError as exc:
            console.print(f"[red]{_s(exc.message)}[/] (the question was not added to the history)")
            continue
        history = list(transcript.messages)
        single.show_answer(console, transcript, single.grounding(transcript))


def _command(console: Console, line: str, model: Model, history: list[Message], show_tools: bool,
             args: argparse.Namespace) -> tuple[bool, Model, list[Message], bool]:
    from ecocompute.messages import ModelError

    word, _, rest = line.partition(" ")
    if word in ("/exit", "/quit"):
        return True, model, history, show_tools
    if word == "/model":
        if not rest.strip():
            console.print(f"Current model: [cyan]{_s(model.id)}[/]. Use /model provider:model.")
            return False, model, history, show_tools
        try:
            model = single.build_model(rest.strip(), args.base_url, args.timeout)
        except ModelError as exc:
            console.print(f"[red]{_s(exc.message)}[/]")
            return False, model, history, show_tools
        console.print(f"Now using [cyan]{_s(model.id)}[/]; the conversation so far is kept.")
    elif word == "/reset":
        history = []
        console.print("History cleared.")
    elif word == "/tools":
        show_tools = not show_tools
        console.print(f"Tool output {'on' if show_tools else 'off'}.")
    else:
        console.print(HELP)
    return False, model, history, show_tools
