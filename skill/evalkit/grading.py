"""All graders for one transcript, in report order, plus the grounding grader.

Grounding (every number in the answer traced to a tool result or the question) is the agent's own
check in `ecocompute.grounding`; the eval grader only turns its report into a verdict.
"""

from __future__ import annotations

from ecocompute.evalkit import graders
from ecocompute.evalkit.graders import Grader, Verdict
from ecocompute.evalkit.schema import Expect
from ecocompute.messages import Transcript

MAX_LISTED = 6


def grounding(transcript: Transcript, expect: Expect) -> Verdict:
    """Every number in the final answer is traced to a tool result or the question."""
    if not expect.grounded:
        return Verdict(grader="grounding", passed=True, why="not required by the scenario")
    from ecocompute.grounding import check_grounding

    report = check_grounding(transcript)
    unverified = [n.text for n in report.unverified]
    if unverified:
        listed = ", ".join(unverified[:MAX_LISTED]) + (" ..." if len(unverified) > MAX_LISTED else "")
        return Verdict(grader="grounding", passed=False,
                       why=f"{len(unverified)} number(s) not traced to a tool result or the question: {listed}")
    return Verdict(grader="grounding", passed=True, why=f"{len(report.verified)} number(s) traced")


def input_grounding(transcript: Transcript, expect: Expect) -> Verdict:
    """Every number the user stated is passed to a tool or named in the answer as not used."""
    if not expect.grounded:
        return Verdict(grader="input_grounding", passed=True, why="not required by the scenario")
    from ecocompute.input_grounding import check_inputs

    dropped = check_inputs(transcript).dropped
    if dropped:
        listed = ", ".join(d.text for d in dropped[:MAX_LISTED])
        return Verdict(grader="input_grounding", passed=False,
                       why=f"{len(dropped)} stated number(s) dropped (passed to no tool, not named as not used): {listed}")
    return Verdict(grader="input_grounding", passed=True, why="every stated number used or named")


GRADERS: tuple[Grader, ...] = (
    graders.tool_calls,
    graders.forbidden_tools,
    graders.required,
    graders.forbidden,
    graders.sections,
    graders.untranslated_headings,
    graders.numbers,
    graders.ranges,
    grounding,
    input_grounding,
)


def grade(transcript: Transcript, expect: Expect) -> list[Verdict]:
    """Run every grader; a grader with nothing to check passes with a note."""
    return [g(transcript, expect) for g in GRADERS]
