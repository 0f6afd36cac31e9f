"""Helpers: transcripts for grader tests, built from real tool results (no number is typed in a test)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ecocompute.messages import Message, ToolCall, ToolResult, ToolRun, Transcript
from ecocompute.registry import run_tool

MakeTranscript = Callable[..., Transcript]


def transcript_with(question: str, calls: list[tuple[str, dict[str, Any]]], answer: str) -> Transcript:
    runs = []
    for i, (name, args) in enumerate(calls, 1):
        outcome = run_tool(name, args)
        call = ToolCall(id=f"c{i}", name=name, arguments=args)
        result = ToolResult(call_id=call.id, name=name, content=outcome.as_text(), is_error=outcome.is_error)
        runs.append(ToolRun(turn=1, call=call, result=result, seconds=0.0))
    messages = [Message.user(question), Message.assistant("", [r.call for r in runs]),
                Message.tool([r.result for r in runs]), Message.assistant(answer)]
    return Transcript(model_id="test", messages=messages, tool_runs=runs)


def result_of(transcript: Transcript, name: str) -> dict[str, Any]:
    run = next(r for r in transcript.tool_runs if r.call.name == name)
    return json.loads(run.result.content)


