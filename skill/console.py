"""Everything EcoCompute prints to a terminal goes through this module: one sanitiser, one console factory.

Stable API (other modules rely on it; keep it small):

- `sanitize(text, *, oneline=False, markup=False) -> str`
    Make an untrusted string (from a model, a server, a file, a file name, argv) safe to print.
    Control and escape sequences are shown, never executed: ESC (so CSI, OSC 8 links, OSC 52
    clipboard writes, title sets), other C0 controls, DEL, C1 controls (U+0080-U+009F, e.g. the
    8-bit CSI U+009B) and bidi overrides become visible escapes such as `\\x1b`, `\\x9b`, `\\u202e`.
    Lone surrogates (what `surrogateescape` makes of non-UTF-8 bytes in file names) become
    `\\xNN` for the original byte, or `\\udNNN`, so strict UTF-8 output never raises.
    Newlines and tabs are kept unless `oneline=True` (file names, single report lines), which shows
    them as `\\n`, `\\r`, `\\t`. `markup=True` also escapes rich markup (`[bold]`, `[/]`), for
    strings interpolated into a `console.print` markup string. Pure; linear in the input; no rich import.
- `make_console(*, stderr=False) -> rich.console.Console`
    The one console. On a terminal: rich's width, colour and wrapping. When the stream is not a
    terminal (a pipe, a file) and no width was set: no wrapping and no padding (tables take the width
    they need). `set_width(n)` (the CLI's `--width`) fixes the width for every console. NO_COLOR and
    FORCE_COLOR act the same in every command (rich's rules; see `colour_enabled`). Use
    `stderr=True` for progress, spinners and status, so stdout stays the result.
- `print_markdown(console, text)`: an answer. On a terminal rich Markdown whose code blocks are never
    wrapped; otherwise the (sanitised) markdown source as is, so pasted code keeps its lines.
- `json_text(value, *, indent=2) -> str`: JSON for a terminal or a pipe: UTF-8 kept readable
    (`ensure_ascii=False`), but the characters `sanitize` shows (C1 controls, bidi controls,
    surrogates) written as `\\uNNNN` escapes: the same data, valid JSON, nothing for a terminal to run.
- `colour_enabled(*, stderr=False) -> bool`: the NO_COLOR / FORCE_COLOR / isatty rule, for output
    that writes its own ANSI codes (the audit text report).
- `harden_stdio()`: called once by the CLI; stdout/stderr never raise `UnicodeEncodeError`.
- `set_width(width)`: called once by the CLI with `--width` (None: automatic); `columns` parses it.

A closed pipe (`| head -1`) is handled by the CLI (`BrokenPipeError` -> exit 0).
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

# C0 controls except \t and \n, DEL, C1 controls, bidi embeddings/overrides/isolates, surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_ONELINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNBOUNDED = 1_000_000  # a width no table reaches: "do not wrap"
_width: int | None = None


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def sanitize(text: object, *, oneline: bool = False, markup: bool = False) -> str:
    """`text` with every control and escape sequence shown, not executed (see the module docstring)."""
    pattern = _UNSAFE_ONELINE if oneline else _UNSAFE
    safe = pattern.sub(_shown, str(text))
    if markup:
        from rich.markup import escape

        safe = escape(safe)
    return safe


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def json_text(value: object, *, indent: int | None = 2) -> str:
    """`json.dumps(value, ensure_ascii=False)` with terminal-unsafe characters as `\\uNNNN` escapes."""
    import json

    text = json.dumps(value, indent=indent, ensure_ascii=False)  # C0 controls are escaped by json itself
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def set_width(width: int | None) -> None:
    """Fix the width of every console made afterwards (the CLI's `--width`; None: automatic)."""
    global _width
    _width = width


def columns(text: str) -> int:
    """argparse type of `--width`: a whole number of columns, at least 20."""
    import argparse

    if not text.strip().isdigit() or int(text) < 20:
        raise argparse.ArgumentTypeError(f"a whole number of columns, at least 20, expected (got {sanitize(text, oneline=True)})")
    return int(text)


def _stream(stderr: bool) -> TextIO:
    return sys.stderr if stderr else sys.stdout


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def colour_enabled(*, stderr: bool = False) -> bool:
    """Rich's rule, for output that paints itself: NO_COLOR set -> no; FORCE_COLOR set -> yes; else a tty."""
    if os.environ.get("NO_COLOR", ""):
        return False
    if os.environ.get("FORCE_COLOR") is not None:
        return os.environ["FORCE_COLOR"] != ""
    return _isatty(_stream(stderr))


def make_console(*, stderr: bool = False) -> Console:
    """The console for stdout (results) or stderr (progress); see the module docstring for the rules."""
    from ecocompute.rich_parts import PipeConsole as Console

    # no `file=`: rich then writes to whatever sys.stdout / sys.stderr is at print time
    if _width is not None:
        return Console(stderr=stderr, width=_width, highlight=False)
    if _isatty(_stream(stderr)):
        return Console(stderr=stderr, highlight=False)
    return Console(stderr=stderr, width=_UNBOUNDED, soft_wrap=True, highlight=False)


def is_unbounded(console: Console) -> bool:
    """True for a console that must not wrap (a pipe or a file, no `--width`)."""
    return console.width >= _UNBOUNDED


def print_markdown(console: Console, text: str) -> None:
    """An answer: rich Markdown on a terminal (code never wrapped), the markdown source elsewhere."""
    safe = sanitize(text)
    if is_unbounded(console) or not console.is_terminal:
        console.print(safe, markup=False, highlight=False, soft_wrap=True, emoji=False)
        return
    from ecocompute.rich_parts import Answer

    console.print(Answer(safe), crop=False)


def harden_stdio() -> None:
    """Output never raises on a character the stream cannot encode (it is written as a backslash escape)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
