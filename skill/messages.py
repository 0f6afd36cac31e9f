"""Provider-neutral types between the loop and the model adapters, and the one model error."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from ecocompute import safejson
from ecocompute.scrub import scrub

Role = Literal["system", "user", "assistant", "tool"]
ModelErrorKind = Literal[
    "missing_key",
    "auth",
    "rate_limit",
    "timeout",
    "connection",
    "bad_request",
    "server",
    "turn_limit",
    "empty_answer",
    "config",
]
MAX_ARGUMENT_CHARS = 1_000_000


class ToolCall(BaseModel):
    """A tool call requested by a model. `argument_error` is set when its arguments did not parse."""

    id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    raw_arguments: str | None = None
    argument_error: str | None = None

    @classmethod
    def from_raw(cls, id: str, name: str, raw: str | None) -> ToolCall:
        """Parse a JSON argument string; malformed JSON becomes an `argument_error`, not a crash."""
        try:
            parsed = safejson.loads(raw, max_chars=MAX_ARGUMENT_CHARS) if raw and raw.strip() else {}
        except safejson.JSONInputError as exc:
            return cls(id=id, name=name, raw_arguments=raw, argument_error=exc.reason)
        if not isinstance(parsed, dict):
            return cls(id=id, name=name, raw_arguments=raw, argument_error="not a JSON object")
        return cls(id=id, name=name, arguments=parsed, raw_arguments=raw)

    def arguments_json(self) -> str:
        """The arguments as the model sent them (raw text when there was one)."""
        return self.raw_arguments if self.raw_arguments is not None else json.dumps(self.arguments)


class ToolResult(BaseModel):
    """The text fed back to the model for one tool call."""

    call_id: str
    name: str
    content: str
    is_error: bool = False


class Message(BaseModel):
    """One conversation turn. Tool results travel in a `tool` message, one per model turn."""

    role: Role
    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_results: list[ToolResult] = Field(default_factory=list)

    @classmethod
    def user(cls, text: str) -> Message:
        return cls(role="user", text=text)

    @classmethod
    def assistant(cls, text: str = "", tool_calls: list[ToolCall] | None = None) -> Message:
        return cls(role="assistant", text=text, tool_calls=list(tool_calls or []))

    @classmethod
    def tool(cls, results: list[ToolResult]) -> Message:
        return cls(role="tool", tool_results=list(results))


class Usage(BaseModel):
    """Token counts as the provider reported them (zero when it reported none)."""

    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
        )


class Reply(BaseModel):
    """What a model returned for one request: text, tool calls, or both."""

    text: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    stop_reason: str | None = None


class ToolRun(BaseModel):
    """One executed tool call with its result and how long the tool took."""

    turn: int
    call: ToolCall
    result: ToolResult
    seconds: float


class ModelTurn(BaseModel):
    """One model request: its usage, stop reason and latency."""

    turn: int
    usage: Usage
    stop_reason: str | None = None
    seconds: float
    tool_calls: int = 0


class Transcript(BaseModel):
    """Everything one agent run did, JSON-serialisable (`model_dump_json`)."""

    model_id: str
    system: str = ""
    messages: list[Message] = Field(default_factory=list)
    tool_runs: list[ToolRun] = Field(default_factory=list)
    turns: list[ModelTurn] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0

    @property
    def answer(self) -> str:
        """The final assistant text ('' before the model answered)."""
        for message in reversed(self.messages):
            if message.role == "assistant":
                return message.text
        return ""

    @property
    def questions(self) -> list[str]:
        """Every user message, oldest first."""
        return [m.text for m in self.messages if m.role == "user"]

    @property
    def model_seconds(self) -> float:
        return sum(t.seconds for t in self.turns)

    @property
    def tool_seconds(self) -> float:
        return sum(r.seconds for r in self.tool_runs)


class ModelError(Exception):
    """A model or provider failure a user can act on: one clear sentence (secrets scrubbed) and a kind."""

    def __init__(
        self, message: str, kind: ModelErrorKind, *, transcript: Transcript | None = None
    ) -> None:
        message = " ".join(scrub(message).split())
        super().__init__(message)
        self.message = message
        self.kind: ModelErrorKind = kind
        self.transcript = transcript

    def __str__(self) -> str:
        return self.message
