"""The offline engine as a `Model`: deterministic, no LLM and no key; it answers through the same loop.

First request of a question: parse it (with the earlier questions of the conversation for follow-ups),
plan the tool calls and return them. Once their results are in the conversation, render the protocol's
output format from them. The plan is recomputed from the messages each time, so the model keeps no state.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ecocompute.i18n import using
from ecocompute.messages import Message, Reply, ToolCall
from ecocompute.offline.parse import Intent, is_follow_up, merge, parse
from ecocompute.offline.plan import Call, Plan, plan
from ecocompute.offline.render import Outcome, answer
from ecocompute.offline.request import not_used

if TYPE_CHECKING:
    from ecocompute.registry import ToolSpec

MAX_ROUNDS = 2
UNMEASURED_BATCH = "is not measured at batch size"


class OfflineModel:
    """A deterministic advisor that reads the question, calls the tools and fills in the protocol's format."""

    def __init__(self) -> None:
        self.id = "offline"

    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        start = _last_user(messages)
        intent = understand(messages[: start + 1])
        with using(intent.language):
            return self._reply(messages, tools, start, intent)

    def _reply(self, messages: Sequence[Message], tools: Sequence[ToolSpec], start: int, intent: Intent) -> Reply:
        the_plan = plan(intent)
        offered = {spec.name: spec for spec in tools}
        outcomes = _outcomes(messages[start + 1:])
        rounds = sum(1 for m in messages[start + 1:] if m.role == "tool")
        if rounds == 0:
            calls = _fit(the_plan, offered)
            if calls:
                return _calls(calls, rounds)
        elif rounds < MAX_ROUNDS:
            retry = _fit(Plan(protocol=the_plan.protocol, calls=_retries(outcomes)), offered)
            if retry:
                return _calls(retry, rounds)
        usable = _latest(outcomes)
        the_plan.notes += not_used(messages[start].text if start >= 0 else "", intent, [o.arguments for o in outcomes])
        return Reply(text=answer(the_plan, usable, intent.language), stop_reason="end")


def understand(messages: Sequence[Message]) -> Intent:
    """The intent of the last user message, completed from earlier user messages when it is a follow-up."""
    users = [m.text for m in messages if m.role == "user"]
    if not users:
        return parse("")
    chain = [parse(users[-1])]  # the question, then each earlier one it leans on (a loop: no recursion depth)
    i = len(users) - 1
    while i > 0 and is_follow_up(users[i], chain[-1]):
        i -= 1
        chain.append(parse(users[i]))
    intent = chain.pop()
    while chain:
        intent = merge(intent, chain.pop())
    return intent


def _last_user(messages: Sequence[Message]) -> int:
    return max((i for i, m in enumerate(messages) if m.role == "user"), default=-1)


def _fit(the_plan: Plan, offered: dict[str, ToolSpec]) -> list[Call]:
    """Planned calls for offered tools only, with the arguments each tool accepts (nulls left to defaults)."""
    out = []
    for call in the_plan.calls:
        spec = offered.get(call.name)
        if spec is None:
            continue
        accepted = set(spec.args_model.model_fields)
        out.append(Call(name=call.name, arguments={k: v for k, v in call.arguments.items() if k in accepted and v is not None}))
    return out


def _calls(calls: list[Call], rounds: int) -> Reply:
    tool_calls = [ToolCall(id=f"offline_{rounds + 1}_{i}", name=c.name, arguments=c.arguments) for i, c in enumerate(calls, 1)]
    return Reply(tool_calls=tool_calls, stop_reason="tool_use")


def _outcomes(messages: Sequence[Message]) -> list[Outcome]:
    from ecocompute.registry import parse_result

    calls: dict[str, ToolCall] = {}
    out = []
    for m in messages:
        for call in m.tool_calls:
            calls[call.id] = call
        for result in m.tool_results:
            call = calls.get(result.call_id)
            args = call.arguments if call else {}
            data = _json(result.content)
            if result.is_error:
                out.append(Outcome(name=result.name, arguments=args, ok=False, error=str(data.get("error", result.content))))
            else:
                out.append(Outcome(name=result.name, arguments=args, ok=True, data=data,
                                   result=parse_result(result.name, result.content)))
    return out


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return {"error": text}
    return value if isinstance(value, dict) else {"value": value}


def _retries(outcomes: list[Outcome]) -> list[Call]:
    """Input errors the engine can correct itself: a valid but unmeasured batch size is dropped (smallest measured
    used). Invalid values (batch size 0, a negative volume) are never retried: the answer reports the tool's error."""
    out = []
    for o in outcomes:
        unmeasured = not o.ok and UNMEASURED_BATCH in (o.error or "").lower()
        no_rows = o.ok and o.name == "lookup_measurement" and not o.data.get("rows")  # nearest evidence: the other batch sizes
        if o.arguments.get("batch_size") is not None and (unmeasured or no_rows):
            out.append(Call(name=o.name, arguments={k: v for k, v in o.arguments.items() if k != "batch_size"}))
    return out


def _latest(outcomes: list[Outcome]) -> list[Outcome]:
    """Keep every error (the answer reports it), marking one that a later retry of the same tool answered."""
    answered = {o.name for o in outcomes if o.ok}
    return [o if o.ok or o.name not in answered else
            o.model_copy(update={"error": f"no measured row at batch size {o.arguments.get('batch_size')}; "
                                          "retried without the batch size, so the smallest measured batch size is shown."})
            for o in outcomes]
