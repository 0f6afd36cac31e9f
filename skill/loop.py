"""The agent loop: ask the model, run the tools it requests, feed results back, until it answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from time import perf_counter

from ecocompute.messages import (
    Message,
    ModelError,
    ModelTurn,
    Reply,
    ToolCall,
    ToolResult,
    ToolRun,
    Transcript,
)
from ecocompute.providers.base import Model
from ecocompute.registry import TOOLS, ToolOutcome, ToolSpec, failed, run_tool
from ecocompute.tools.errors import ErrorCode, ToolInputError

DEFAULT_MAX_TURNS = 8
MAX_TOOL_CALLS_PER_TURN = 16  # beyond this a turn's extra calls are answered with an error, not run


def run_agent(
    model: Model,
    conversation: str | Sequence[Message],
    *,
    system: str,
    tools: Sequence[ToolSpec] = TOOLS,
    max_turns: int = DEFAULT_MAX_TURNS,
    on_tool: Callable[[ToolRun], None] | None = None,
) -> Transcript:
    """Run one question (or a continued conversation) to a final answer; return the transcript."""
    history = [Message.user(conversation)] if isinstance(conversation, str) else list(conversation)
    transcript = Transcript(model_id=model.id, system=system, messages=history)
    offered = {spec.name: spec for spec in tools}
    started = perf_counter()
    for turn in range(1, max_turns + 1):
        reply = _ask(model, transcript, list(offered.values()), turn)
        transcript.messages.append(Message.assistant(reply.text, reply.tool_calls))
        if not reply.tool_calls:
            transcript.seconds = perf_counter() - started
            if not reply.text.strip():
                raise ModelError(
                    "The model returned an empty answer.", "empty_answer", transcript=transcript
                )
            return transcript
        runs = [_run_call(call, offered, turn) if i < MAX_TOOL_CALLS_PER_TURN else _not_run(call, turn)
                for i, call in enumerate(reply.tool_calls)]
        for run in runs:
            transcript.tool_runs.append(run)
            if on_tool is not None:
                on_tool(run)
        transcript.messages.append(Message.tool([run.result for run in runs]))
    transcript.seconds = perf_counter() - started
    raise ModelError(
        f"The model was still calling tools after {max_turns} turns; stopped without an answer.",
        "turn_limit",
        transcript=transcript,
    )


def _ask(model: Model, transcript: Transcript, tools: list[ToolSpec], turn: int) -> Reply:
    start = perf_counter()
    try:
        reply = model.complete(transcript.system, transcript.messages, tools)
    except ModelError as exc:
        exc.transcript = transcript
        raise
    elapsed = perf_counter() - start
    transcript.usage = transcript.usage + reply.usage
    transcript.turns.append(
        ModelTurn(
            turn=turn,
            usage=reply.usage,
            stop_reason=reply.stop_reason,
            seconds=elapsed,
            tool_calls=len(reply.tool_calls),
        )
    )
    return reply


def _run_call(call: ToolCall, offered: dict[str, ToolSpec], turn: int) -> ToolRun:
    """Run one call; unknown tools and unparsable arguments come back as errors the model can fix."""
    start = perf_counter()
    spec = offered.get(call.name)
    if spec is None:
        known = ", ".join(offered) or "none"
        outcome = _input_error(call, f"Unknown tool {call.name!r}. Tools: {known}.", "unknown_tool")
    elif call.argument_error is not None:
        outcome = _input_error(
            call, f"Arguments for {call.name} are {call.argument_error}; send one JSON object."
        )
    else:
        outcome = run_tool(spec, call.arguments)  # the spec offered, not a global name
    result = ToolResult(
        call_id=call.id, name=call.name, content=outcome.as_text(), is_error=outcome.is_error
    )
    return ToolRun(turn=turn, call=call, result=result, seconds=perf_counter() - start)


def _not_run(call: ToolCall, turn: int) -> ToolRun:
    sentence = (f"Not run: more than {MAX_TOOL_CALLS_PER_TURN} tool calls in one turn; "
                f"request at most {MAX_TOOL_CALLS_PER_TURN} at a time.")
    result = ToolResult(call_id=call.id, name=call.name, content=_input_error(call, sentence).as_text(), is_error=True)
    return ToolRun(turn=turn, call=call, result=result, seconds=0.0)


def _input_error(call: ToolCall, sentence: str, code: ErrorCode = "invalid_arguments") -> ToolOutcome:
    return failed(call.name, ToolInputError(sentence, code=code))
