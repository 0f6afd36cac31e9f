"""The rich classes behind `ecocompute.console` (imported only when something is printed with rich).

- `PipeConsole`: a rich Console that exits 0, silently, when the reader closes the pipe (`| head -1`);
  rich's own console exits 1.
- `Answer`: Markdown whose code blocks are never wrapped. Rich wraps code blocks at the terminal
  width, inserting newlines, so pasted code breaks. Here a code block is highlighted and emitted line
  by line as is; the terminal soft-wraps a long line and copying it gives the original line back.
"""

from __future__ import annotations

from typing import ClassVar

import os
import sys

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import CodeBlock, Markdown, MarkdownElement
from rich.syntax import Syntax


class PipeConsole(Console):
    """A console for which a closed pipe is the end of the output, not an error."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0)


class UnwrappedCodeBlock(CodeBlock):
    """A highlighted code block whose lines are never wrapped, cropped or padded."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code = str(self.text).rstrip()
        text = Syntax(code, self.lexer_name, theme=self.theme).highlight(code)
        text.no_wrap = True
        text.overflow = "ignore"
        text.end = "\n"
        yield text


class Answer(Markdown):
    """Markdown whose fenced and indented code blocks use `UnwrappedCodeBlock`."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements, "fence": UnwrappedCodeBlock, "code_block": UnwrappedCodeBlock}
