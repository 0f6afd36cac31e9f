"""Graders: small pure functions `(Transcript, Expect) -> Verdict`, one concern each.

They read only the transcript (tool calls, tool results, answer) and the scenario's expectations;
numbers are compared with the tool results of the same transcript, never with typed-in numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel

from ecocompute import i18n, protocols
from ecocompute.evalkit.schema import AnyOf, Expect, NumberRef, Pattern, RangeRef, Scope, ToolExpectation
from ecocompute.evalkit.values import numbers_at, shows, written_numbers
from ecocompute.messages import ToolCall, Transcript
from ecocompute.registry import get_tool
from ecocompute.tools.errors import ToolInputError

FLAGS = re.IGNORECASE | re.MULTILINE


class Verdict(BaseModel):
    """One grader's result: pass or fail, and why (a sentence a maintainer can act on)."""

    grader: str
    passed: bool
    why: str


Grader = Callable[[Transcript, Expect], Verdict]


def _text(transcript: Transcript, scope: Scope, section: str | None = None) -> str:
    text = transcript.answer if scope == "final" else \
        "\n\n".join(m.text for m in transcript.messages if m.role == "assistant" and m.text)
    return text if section is None else section_text(text, section)


# How an answer marks a heading, for every grader that looks for one: a markdown `#` heading or a bold line.
HEADING = r"^\s*(?:#{1,6}\s*|\*\*\s*)"


def section_text(text: str, section: str) -> str:
    """The lines under the heading `section` (in English or any answer language), up to the next markdown
    heading, bold label line or rule; empty when the answer has no such heading."""
    names = {section} | {i18n.translations(language).gettext(section) for language in i18n.LANGUAGES}
    start = re.search(rf"{HEADING}(?:{'|'.join(map(re.escape, names))})(?!\w)[^\n]*\n?", text, FLAGS)
    if start is None:
        return ""
    end = re.compile(r"^\s*(?:#{1,6}\s|\*\*|---)", re.MULTILINE).search(text, start.end())
    return text[start.end():end.start() if end else len(text)]


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40):end + 40].split())


# --- tool calls ---------------------------------------------------------------------------------


def arg_ok(value: Any, constraint: Any) -> bool:
    """A string constraint is a case-insensitive regex; a list is any-of; anything else is equality."""
    if isinstance(constraint, list):
        return any(arg_ok(value, c) for c in constraint)
    if isinstance(constraint, str):
        return value is not None and re.search(constraint, str(value), re.IGNORECASE) is not None
    if isinstance(constraint, bool) or constraint is None:
        return value is constraint
    if isinstance(constraint, int | float) and isinstance(value, int | float):
        return float(value) == float(constraint)
    return value == constraint


def by_meaning(tool: str, arguments: Mapping[str, Any], *, complete: bool) -> dict[str, Any]:
    """Arguments compared by meaning: an earlier spelling rewritten into the current one by the tool's
    `normalise` (so `requests_per_month: 5` and `volume: 5, volume_unit: requests_per_month` are one call),
    and for a `complete` call that validates, the defaults its args model fills in. Expectations are partial
    and hold patterns, so they are only rewritten, never validated."""
    try:
        spec = get_tool(tool)
        current = spec.normalise(arguments)
    except ToolInputError:  # not a registry tool, or spellings in conflict: compare as written
        return dict(arguments)
    if not complete:
        return current
    try:
        return spec.parse(current).model_dump()
    except ToolInputError:  # an invalid call (a scenario may expect one): its defaults, unvalidated
        defaults = {k: f.default for k, f in spec.args_model.model_fields.items() if not f.is_required()}
        return {**defaults, **{k: v for k, v in current.items() if v is not None or k not in defaults}}


def call_matches(call: ToolCall, expected: ToolExpectation) -> bool:
    """A tool call is one of the expected tools and every expected argument matches, by meaning."""
    if call.name not in expected.names:
        return False
    actual = by_meaning(call.name, call.arguments, complete=True)
    wanted = by_meaning(call.name, expected.args, complete=False)
    return all(arg_ok(actual.get(k), c) for k, c in wanted.items())


def _describe(call: ToolCall) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in call.arguments.items() if v is not None)
    return f"{call.name}({args})"


def tool_calls(transcript: Transcript, expect: Expect) -> Verdict:
    """Every expected call was made (and answered without error) with matching arguments."""
    missing = [e for e in expect.tools if not any(
        call_matches(r.call, e) and (e.allow_error or not r.result.is_error) for r in transcript.tool_runs)]
    if not missing:
        return Verdict(grader="tool_calls", passed=True, why=f"{len(expect.tools)} expected call(s) made")
    made = "; ".join(_describe(r.call) + (" [error]" if r.result.is_error else "")
                     for r in transcript.tool_runs) or "none"
    wanted = "; ".join(f"{'|'.join(e.names)}({', '.join(f'{k}~{v!r}' for k, v in e.args.items())})"
                       + (f" [{e.why}]" if e.why else "") for e in missing)
    return Verdict(grader="tool_calls", passed=False, why=f"missing call(s): {wanted}; calls made: {made}")


def forbidden_tools(transcript: Transcript, expect: Expect) -> Verdict:
    """No tool the scenario forbids was called."""
    used = sorted({r.call.name for r in transcript.tool_runs} & set(expect.forbidden_tools))
    if used:
        return Verdict(grader="forbidden_tools", passed=False, why=f"called forbidden tool(s): {', '.join(used)}")
    return Verdict(grader="forbidden_tools", passed=True, why="no forbidden tool called")


# --- text ---------------------------------------------------------------------------------------


def _required_one(transcript: Transcript, item: Pattern | AnyOf) -> str | None:
    patterns = [item.pattern] if isinstance(item, Pattern) else item.any_of
    text = _text(transcript, item.scope, item.section if isinstance(item, Pattern) else None)
    if any(re.search(p, text, FLAGS) for p in patterns):
        return None
    return f"{item.why} (no match for {' | '.join(repr(p) for p in patterns)})"


def required(transcript: Transcript, expect: Expect) -> Verdict:
    """Each required correction or phrase appears (any of its alternatives)."""
    problems = [p for p in (_required_one(transcript, item) for item in expect.required) if p]
    if problems:
        return Verdict(grader="required", passed=False, why="missing: " + "; ".join(problems))
    return Verdict(grader="required", passed=True, why=f"{len(expect.required)} required item(s) present")


def forbidden(transcript: Transcript, expect: Expect) -> Verdict:
    """No forbidden advice appears; the failure quotes the offending text."""
    problems = []
    for item in expect.forbidden:
        text = _text(transcript, item.scope, item.section)
        match = re.search(item.pattern, text, FLAGS)
        if match:
            problems.append(f"{item.why}: \"{_snippet(text, match.start(), match.end())}\"")
    if problems:
        return Verdict(grader="forbidden", passed=False, why="; ".join(problems))
    return Verdict(grader="forbidden", passed=True, why=f"none of {len(expect.forbidden)} forbidden pattern(s)")


def untranslated_headings(transcript: Transcript, expect: Expect) -> Verdict:
    """With `forbid_untranslated_headings`, no heading of the answer is a protocol heading in English."""
    if not expect.forbid_untranslated_headings:
        return Verdict(grader="untranslated_headings", passed=True, why="not required by the scenario")
    english = sorted({h for p in protocols.PROTOCOLS for h in p.headings}, key=len, reverse=True)
    found = re.findall(rf"{HEADING}((?:{'|'.join(map(re.escape, english))})(?!\w)[^\n]*)", transcript.answer, FLAGS)
    if found:
        return Verdict(grader="untranslated_headings", passed=False, why=f"English heading(s): {'; '.join(found)}")
    return Verdict(grader="untranslated_headings", passed=True, why="no protocol heading left in English")


def section_present(text: str, section: str) -> bool:
    """A heading (markdown `#`, bold line or `Title:` line) whose text starts with `section` (a regex)."""
    heading = rf"{HEADING}?(?:{section})[^\n]*$"
    return re.search(heading, text, FLAGS) is not None


def sections(transcript: Transcript, expect: Expect) -> Verdict:
    """The protocol's output-format sections are present as headings."""
    missing = [s for s in expect.sections if not section_present(transcript.answer, s)]
    if missing:
        return Verdict(grader="sections", passed=False, why=f"missing section heading(s): {', '.join(missing)}")
    return Verdict(grader="sections", passed=True, why=f"{len(expect.sections)} section(s) present")


# --- numbers ------------------------------------------------------------------------------------


def _number_one(transcript: Transcript, ref: NumberRef) -> str | None:
    values = numbers_at(transcript, [ref.tool], ref.path)
    if not values:
        called = any(r.call.name == ref.tool and not r.result.is_error for r in transcript.tool_runs)
        reason = "its result has no value at that path" if called else "the tool was not called successfully"
        return f"{ref.why}: {ref.tool}:{ref.path} resolves to nothing ({reason})"
    written = written_numbers(transcript.answer)
    hits = [v for v in values if any(shows(w, v) for w in written)]
    if ref.match == "all" and len(hits) < len(values):
        absent = sorted(set(values) - set(hits))
        return f"{ref.why}: answer lacks {absent} from {ref.tool}:{ref.path}"
    if not hits:
        return f"{ref.why}: none of {sorted(set(values))} from {ref.tool}:{ref.path} appears in the answer"
    return None


def numbers(transcript: Transcript, expect: Expect) -> Verdict:
    """The answer states the values the scenario points at in the tool results (rounding allowed)."""
    problems = [p for p in (_number_one(transcript, ref) for ref in expect.numbers) if p]
    if problems:
        return Verdict(grader="numbers", passed=False, why="; ".join(problems))
    return Verdict(grader="numbers", passed=True, why=f"{len(expect.numbers)} referenced value(s) stated")


def _range_one(transcript: Transcript, ref: RangeRef) -> str | None:
    values = [v for path in ref.paths for v in numbers_at(transcript, ref.tools, path)]
    unit = re.compile(r"\s*(?:" + ref.unit + ")", re.IGNORECASE)
    text = transcript.answer
    stated = [w for w in written_numbers(text) if unit.match(text, w.end)]
    if not stated:
        return None
    if not values:
        return f"{ref.why}: the answer states {[w.text for w in stated]} but {ref.paths} has no measured value"
    low, high = min(abs(v) for v in values), max(abs(v) for v in values)
    outside = [w.text for w in stated
               if not (low - 0.5 * 10 ** -w.decimals <= abs(w.value) <= high + 0.5 * 10 ** -w.decimals)]
    if outside:
        return f"{ref.why}: {outside} outside the measured range [{low:g}, {high:g}] of {ref.paths}"
    return None


def ranges(transcript: Transcript, expect: Expect) -> Verdict:
    """Numbers written with a unit lie inside the measured range for the configuration."""
    problems = [p for p in (_range_one(transcript, ref) for ref in expect.ranges) if p]
    if problems:
        return Verdict(grader="ranges", passed=False, why="; ".join(problems))
    return Verdict(grader="ranges", passed=True, why=f"{len(expect.ranges)} range check(s) hold")
