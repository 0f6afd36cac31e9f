"""Typed errors raised by tools. The registry turns `ToolInputError` into an `is_error` result.

Every error carries a `code` (what kind of problem, for code to branch on) and optional typed
`details` (e.g. the batch sizes that are measured), so nothing downstream matches on wording.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

ErrorCode = Literal[
    "invalid_arguments",  # the arguments do not match the tool's schema (type, bound, enum, extra key)
    "unknown_tool",  # no tool of that name is offered
    "unknown_name",  # a GPU, model, precision or engine name that is not in the data
    "not_measured",  # a well-formed configuration that the data does not cover
    "missing_argument",  # a combination of arguments the schema cannot express (e.g. give one of two)
    "conflicting_arguments",  # arguments that exclude each other (e.g. a deadline on rows without latency)
    "bad_value",  # a well-typed value the tool cannot use (empty source, unparsable code)
]
# Codes a caller whose arguments match the exported schema can still get: questions about the data.
DOMAIN_CODES: frozenset[str] = frozenset(
    {"unknown_name", "not_measured", "missing_argument", "conflicting_arguments", "bad_value"})


# Built on first use: a command that returns no tool outcome (`audit`) only catches `ToolInputError`.
_ON_USE = ConfigDict(defer_build=True)


class UnknownName(BaseModel):
    """An unknown name: what kind, what was given, close matches and everything covered."""

    model_config = _ON_USE

    kind: str
    given: str
    did_you_mean: list[str]
    covered: list[str]


class NotMeasured(BaseModel):
    """An unmeasured configuration: which setting, the value asked for and the measured values."""

    model_config = _ON_USE

    setting: str
    asked: str | None
    measured: list[str]


class Arguments(BaseModel):
    """The arguments involved in a missing or conflicting combination."""

    model_config = _ON_USE

    names: list[str]


class InvalidArguments(BaseModel):
    """Schema violations: where (argument path) and what pydantic found."""

    model_config = _ON_USE

    problems: list[str]


ErrorDetails = UnknownName | NotMeasured | Arguments | InvalidArguments


class ToolError(BaseModel):
    """The typed error a tool call returns: a code, one sentence, optional details."""

    model_config = _ON_USE

    code: ErrorCode
    message: str
    details: ErrorDetails | None = None


class ToolInputError(ValueError):
    """Bad input a caller (person or model) can correct: one clear sentence, a code, typed details."""

    def __init__(self, message: str, choices: tuple[str, ...] = (), *, code: ErrorCode = "bad_value",
                 details: ErrorDetails | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.choices = choices
        self.code: ErrorCode = code
        self.details = details

    def __str__(self) -> str:
        return self.message

    def as_error(self) -> ToolError:
        return ToolError(code=self.code, message=self.message, details=self.details)


def did_you_mean(kind: str, given: str, covered: list[str], close: list[str]) -> ToolInputError:
    """Build the unknown-name error that lists close matches and what is covered."""
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ToolInputError(
        f"Unknown {kind} {given!r}.{hint} Covered: {', '.join(covered)}.", tuple(covered), code="unknown_name",
        details=UnknownName(kind=kind, given=given, did_you_mean=list(close), covered=list(covered)),
    )


def not_measured(message: str, setting: str, asked: object, measured: Sequence[object]) -> ToolInputError:
    """An unmeasured configuration, with the measured values of the setting that missed."""
    return ToolInputError(message, code="not_measured", details=NotMeasured(
        setting=setting, asked=None if asked is None else str(asked), measured=[str(v) for v in measured]))


def missing(message: str, *names: str) -> ToolInputError:
    return ToolInputError(message, code="missing_argument", details=Arguments(names=list(names)))


def conflicting(message: str, *names: str) -> ToolInputError:
    return ToolInputError(message, code="conflicting_arguments", details=Arguments(names=list(names)))
