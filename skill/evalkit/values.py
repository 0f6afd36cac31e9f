"""Values in tool results (by path) and numbers in answer text, and whether they match.

A path walks a JSON result: `a.b` keys, `*` every item of a list (or value of a mapping), and
`[key=value]` the list items whose `key` equals `value` (case-insensitive text comparison).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ecocompute.messages import Transcript

_STEP = re.compile(r"([^.\[\]]+)|\[([^=\]]+)=([^\]]*)\]")
_NUMBER = re.compile(r"(?<![\w.])[-+−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])[-+−]?\d+(?:\.\d+)?")


def parse_path(path: str) -> list[tuple[str, str | None]]:
    """`rows[precision=nf4].pct` -> [('rows', None), ('precision', 'nf4'), ('pct', None)]."""
    steps: list[tuple[str, str | None]] = []
    for match in _STEP.finditer(path):
        key, fkey, fval = match.groups()
        steps.append((key, None) if key is not None else (fkey.strip(), fval.strip()))
    if not steps:
        raise ValueError(f"empty path {path!r}")
    return steps


def walk(value: Any, path: str) -> list[Any]:
    """Every value the path reaches in `value` (an empty list when it reaches none)."""
    current = [value]
    for key, wanted in parse_path(path):
        current = list(_step(current, key, wanted))
    return current


def _step(values: list[Any], key: str, wanted: str | None) -> Iterator[Any]:
    for value in values:
        if wanted is not None:
            items = value if isinstance(value, list) else [value]
            yield from (i for i in items if isinstance(i, dict) and _same(i.get(key), wanted))
        elif key == "*":
            if isinstance(value, list):
                yield from value
            elif isinstance(value, dict):
                yield from value.values()
        elif isinstance(value, dict) and key in value:
            yield value[key]
        elif isinstance(value, list):
            yield from (i[key] for i in value if isinstance(i, dict) and key in i)


def _same(actual: Any, wanted: str) -> bool:
    if isinstance(actual, bool):
        return str(actual).lower() == wanted.lower()
    return str(actual).strip().lower() == wanted.lower()


def tool_results(transcript: Transcript, tool: str) -> list[Any]:
    """The parsed JSON results of every successful call of `tool` in the transcript."""
    results = []
    for run in transcript.tool_runs:
        if run.call.name == tool and not run.result.is_error:
            try:
                results.append(json.loads(run.result.content))
            except json.JSONDecodeError:
                continue
    return results


def numbers_at(transcript: Transcript, tools: list[str], path: str) -> list[float]:
    """Numeric values at `path` in the results of `tools` (booleans and text skipped)."""
    found: list[float] = []
    for tool in tools:
        for result in tool_results(transcript, tool):
            found += [float(v) for v in walk(result, path) if _is_number(v)]
    return found


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Written:
    """A number as written in an answer: its value, decimals shown, and where it is."""

    value: float
    decimals: int
    start: int
    end: int
    text: str


def written_numbers(text: str) -> list[Written]:
    """Numbers written in text: thousands separators, signs (also U+2212), decimals."""
    found = []
    for match in _NUMBER.finditer(text):
        raw = match.group(0)
        clean = raw.replace(",", "").replace("−", "-").lstrip("+")
        decimals = len(clean.split(".")[1]) if "." in clean else 0
        found.append(Written(float(clean), decimals, match.start(), match.end(), raw))
    return found


def shows(written: Written, value: float) -> bool:
    """True when `written` is `value` (sign aside) at the precision it was written, or finer.

    A value is also accepted rounded to fewer places (8.2 for 8.24, 1,768 for 1768.3), but never
    to fewer than two significant digits, so `0` or `5` cannot stand for any value.
    """
    target = abs(value)
    shown = abs(written.value)
    if shown == 0 and target != 0:
        return False
    tolerance = 0.5 * 10 ** (-written.decimals) + 1e-9
    if abs(shown - target) > tolerance:
        return False
    significant = len(written.text.replace(",", "").replace(".", "").lstrip("+-−0"))
    return significant >= 2 or target == shown


def answer_shows(text: str, value: float) -> bool:
    """Whether any number written in `text` shows `value` (at the precision it is written with)."""
    return any(shows(w, value) for w in written_numbers(text))
