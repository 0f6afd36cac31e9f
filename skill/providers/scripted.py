"""A model that replays planned replies: the test seam for the loop, CLI and evals."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ecocompute.messages import Message, ModelError, Reply, ToolCall

if TYPE_CHECKING:
    from ecocompute.registry import ToolSpec


def step(text: str = "", *calls: tuple[str, dict[str, Any]] | ToolCall) -> Reply:
    """A planned reply: `step("", ("lookup_measurement", {...}))` or `step("final answer")`."""
    tool_calls = [
        c if isinstance(c, ToolCall) else ToolCall(id=f"call_{i}", name=c[0], arguments=c[1])
        for i, c in enumerate(calls, 1)
    ]
    return Reply(text=text, tool_calls=tool_calls, stop_reason="tool_use" if tool_calls else "end")


class ScriptedModel:
    """Returns `steps` in order (a planned `ModelError` is raised) and records each request."""

    def __init__(self, steps: Sequence[Reply | ModelError], *, id: str = "scripted") -> None:
        self.id = id
        self._steps = list(steps)
        self.requests: list[tuple[str, list[Message], list[str]]] = []

    @classmethod
    def from_file(cls, path: str) -> ScriptedModel:
        """Load steps from a JSON list of `Reply` objects (`-m scripted:steps.json`)."""
        if not path:
            raise ModelError(
                "The scripted model needs a script: use -m scripted:PATH.json.", kind="config"
            )
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
            steps = [Reply.model_validate(item) for item in raw]
        except (OSError, ValueError, TypeError, ValidationError) as exc:
            reason = type(exc).__name__
            raise ModelError(
                f"Cannot read the model script {path!r} ({reason}).", kind="config"
            ) from None
        return cls(steps, id=f"scripted:{path}")

    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        self.requests.append((system, list(messages), [t.name for t in tools]))
        index = len(self.requests) - 1
        if index >= len(self._steps):
            raise ModelError(
                f"The scripted model ran out of planned replies after {len(self._steps)}.",
                kind="bad_request",
            )
        planned = self._steps[index]
        if isinstance(planned, ModelError):
            raise planned
        return planned
