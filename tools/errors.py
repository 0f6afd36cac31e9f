"""Typed errors raised by tools. The registry turns `ToolInputError` into an `is_error` result."""

from __future__ import annotations


class ToolInputError(ValueError):
    """Bad input a caller (person or model) can correct: one clear sentence, optionally with choices."""

    def __init__(self, message: str, choices: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.choices = choices

    def __str__(self) -> str:
        return self.message


def did_you_mean(kind: str, given: str, covered: list[str], close: list[str]) -> ToolInputError:
    """Build the unknown-name error that lists close matches and what is covered."""
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ToolInputError(
        f"Unknown {kind} {given!r}.{hint} Covered: {', '.join(covered)}.", tuple(covered)
    )
