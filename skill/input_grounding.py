"""Input grounding: every number the user stated is passed to a tool or named in the answer as not used.

Output grounding (`grounding.py`) checks where each number of the answer came from; this checks the other
direction: that the tools were asked the user's question. A stated number counts as used when a tool call
of the transcript (successful or rejected: an impossible value must reach the tool) has an argument equal
to it; as named when a line of the answer holds the number as written and says it was not used
("not used" / "未使用"). Anything else is dropped, and fails `ask --strict` and the eval.
Numbers that are part of names or code, percentages and ratios the user quotes, and precision widths
("4-bit") are not inputs and are skipped, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field

from ecocompute.number_mentions import Mention, extract_numbers
from ecocompute.messages import Transcript

InputStatus = Literal["used", "named", "dropped", "skipped"]
NOT_USED = re.compile(r"not\s+used|未使用|没有使用", re.IGNORECASE)
_WIDTH_AFTER = re.compile(r"^\s*-?\s*(?:bit|位)", re.IGNORECASE)
_NOT_INPUT_UNITS = ("%", "x")
_REL_TOLERANCE = 1e-6


class StatedNumber(BaseModel):
    """One number of the user's question and what became of it."""

    text: str
    value: float
    status: InputStatus
    where: str = ""


class InputReport(BaseModel):
    stated: list[StatedNumber] = Field(default_factory=list)

    @property
    def dropped(self) -> list[StatedNumber]:
        """Stated numbers passed to no tool and not named as not used."""
        return [s for s in self.stated if s.status == "dropped"]

    @property
    def ok(self) -> bool:
        """Every stated number was used or named."""
        return not self.dropped


def check_inputs(transcript: Transcript) -> InputReport:
    """The last question's stated numbers against the tool calls and the final answer."""
    if not transcript.questions or not transcript.answer:
        return InputReport()
    question = transcript.questions[-1]
    args = [(run.call.name, value) for run in transcript.tool_runs for value in _numbers(run.call.arguments)]
    return InputReport(stated=[_status(m, question, args, transcript.answer) for m in extract_numbers(question)])


def _status(m: Mention, question: str, args: list[tuple[str, float]], answer: str) -> StatedNumber:
    skip = _skip(m, question)
    if skip:
        return StatedNumber(text=m.text, value=m.value, status="skipped", where=skip)
    for tool, value in args:
        if abs(value - m.value) <= max(m.tolerance, _REL_TOLERANCE * abs(m.value)):
            return StatedNumber(text=m.text, value=m.value, status="used", where=tool)
    if _named(m, answer):
        return StatedNumber(text=m.text, value=m.value, status="named", where="answer says it is not used")
    return StatedNumber(text=m.text, value=m.value, status="dropped",
                        where="stated in the question, passed to no tool and not named in the answer as not used")


def _skip(m: Mention, question: str) -> str | None:
    if m.ignore:
        return m.ignore
    if m.unit in _NOT_INPUT_UNITS:
        return "a percentage or ratio quoted by the user, not an input"
    if _WIDTH_AFTER.match(question[m.end:]):
        return "a precision width (4-bit, 8-bit)"
    return None


def _named(m: Mention, answer: str) -> bool:
    written = {m.text.strip(), m.text.strip().replace(",", "")}
    return any(NOT_USED.search(line) and any(w and w in line for w in written) for line in answer.splitlines())


def _numbers(node: Any) -> Iterator[float]:
    if isinstance(node, bool) or node is None:
        return
    if isinstance(node, int | float):
        yield float(node)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _numbers(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _numbers(value)
    elif isinstance(node, str) and len(node) < 40:
        for found in re.findall(r"-?\d+(?:\.\d+)?", node):
            yield float(found)


def unused(question: str, arguments: list[dict[str, Any]]) -> list[Mention]:
    """The question's stated numbers that none of `arguments` (tool call arguments) carries."""
    values = [v for args in arguments for v in _numbers(args)]
    out = []
    for m in extract_numbers(question):
        if _skip(m, question):
            continue
        if not any(abs(v - m.value) <= max(m.tolerance, _REL_TOLERANCE * abs(m.value)) for v in values):
            out.append(m)
    return out
