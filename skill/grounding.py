"""Grounding: every number in a final answer must trace to a tool result or the user's question.

Allowed between an answer number and a source number: rounding to the digits shown, the unit
scalings J/kJ/MJ/Wh/kWh/MWh, W/kW/MW, g/kg/t, fraction<->percent, per-token<->per-1k tokens, and
per day/month/year. Nothing else: any other arithmetic is a claim the tools did not make. Numbers that
are part of a name or code (`Mistral-7B`, `RTX 4090`, `FP16`, `batch_size=8`, code spans), list
indices, and unverified small counts (0-10) or years are ignored, with the reason.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from itertools import pairwise
from typing import Any, Literal

from pydantic import BaseModel, Field

from ecocompute.messages import Transcript

Status = Literal["verified", "unverified", "ignored"]

_SCALES: dict[str, dict[str, float]] = {
    "energy": {"J": 1, "kJ": 1e3, "MJ": 1e6, "Wh": 3600, "kWh": 3.6e6, "MWh": 3.6e9, "GWh": 3.6e12},
    "power": {"W": 1, "kW": 1e3, "MW": 1e6},
    "mass": {"g": 1, "kg": 1e3, "t": 1e6},
}
_FAMILY = {unit: family for family, units in _SCALES.items() for unit in units}
_MULT = {"万": 1e4, "亿": 1e8, "千": 1e3, "k": 1e3, "K": 1e3, "M": 1e6,
         "thousand": 1e3, "million": 1e6, "billion": 1e9}
_UNIT_ALIASES = {"×": "x", "times": "x", "tokens/s": "tok/s", "USD": "$", "CNY": "¥", "RMB": "¥",
                 "EUR": "€", "kgCO2": "kg", "gCO2": "g", "tCO2": "t"}
_DAYS = {"day": (1.0,), "month": (30.0, 365 / 12, 30.4375), "year": (365.0, 365.25)}

_NUMBER = re.compile(
    r"(?P<cur>[$€¥£])?"
    r"(?P<sign>[-−+])?"
    r"(?P<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?P<frac>\.\d+)?"
    r"(?:\s?(?P<mult>万|亿|千|thousand\b|million\b|billion\b|[kKM](?![A-Za-z]|\d)))?"
    r"(?:\s?(?P<unit>%|×|x(?![A-Za-z])|times\b|[kgt]CO2|kWh|MWh|GWh|Wh|kJ|MJ|J(?![A-Za-z])"
    r"|kW|MW|W(?![A-Za-z])|kg|g(?=\s?CO)|t(?=\s?CO)|tok(?:ens)?/s|ms\b|USD\b|CNY\b|RMB\b|EUR\b))?"
)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_NAME_PREFIX = re.compile(r"(?:RTX|GTX|Tesla|Quadro|TITAN|Titan|Radeon|RX|Arc|Python|CUDA|v)\s?$")
_LIST_MARKUP = frozenset(" \t>#*-")
_LOOKBACK = 16  # the longest name prefix ("Quadro ") or rate word ("every ") a number is checked after
_RANGE_GAP = re.compile(r"\s?(?:[–—~-]|to|至|到)\s?")
_PERIODS = (("day", r"per day|/\s?day|a day|daily|每天|每日|/d\b|日"),
            ("month", r"per month|/\s?mo(?:nth)?|a month|monthly|每月|月"),
            ("year", r"per year|/\s?y(?:ea)?r|a year|annual|yearly|每年|年"))
_PER = (("token", r"per (?:output )?token|/\s?tok(?:en)?\b"),
        ("1k", r"per 1k|/\s?1k|per 1,000|per thousand|/\s?1000"))


class Mention(BaseModel):
    """A number as written: its value in plain units (suffixes applied) and context."""

    text: str
    value: float
    unit: str | None = None
    start: int
    end: int
    tolerance: float
    period: str | None = None
    per: str | None = None
    ignore: str | None = None


class SourceNumber(BaseModel):
    value: float
    unit: str | None = None
    where: str
    period: str | None = None
    per: str | None = None


class GroundedNumber(BaseModel):
    """One number of the answer: verified (with its source), unverified (why), or ignored (why)."""

    text: str
    value: float
    unit: str | None
    start: int
    end: int
    status: Status
    source: str | None = None
    source_value: float | None = None
    note: str = ""


class GroundingReport(BaseModel):
    verified: list[GroundedNumber] = Field(default_factory=list)
    unverified: list[GroundedNumber] = Field(default_factory=list)
    ignored: list[GroundedNumber] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unverified


def check_grounding(transcript: Transcript, answer: str | None = None) -> GroundingReport:
    """Check every number of `answer` (default: the transcript's final answer)."""
    text = transcript.answer if answer is None else answer
    return check_numbers(text, transcript_sources(transcript))


def check_numbers(answer: str, sources: list[SourceNumber]) -> GroundingReport:
    report = GroundingReport()
    for mention in extract_numbers(answer):
        graded = _grade(mention, sources)
        getattr(report, graded.status).append(graded)
    return report


def transcript_sources(transcript: Transcript) -> list[SourceNumber]:
    """Numbers in successful tool results (with tool and field path) and in the user's messages."""
    found: list[SourceNumber] = []
    for question in transcript.questions:
        found += _text_sources(question, "question")
    for run in transcript.tool_runs:
        if run.result.is_error:
            continue
        try:
            data = json.loads(run.result.content)
        except json.JSONDecodeError:
            found += _text_sources(run.result.content, run.call.name)
            continue
        found += list(_walk(data, run.call.name))
    return found


def extract_numbers(text: str) -> list[Mention]:
    """Every number in `text`, with names, code and list indices marked `ignore` (linear in `text`)."""
    code = _Spans([m.span() for m in _CODE.finditer(text)])
    mentions = [_mention(text, m, code) for m in _NUMBER.finditer(text)]
    _join_ranges(text, mentions)
    return mentions


class _Spans:
    """Sorted, disjoint spans (code blocks) with a logarithmic membership test."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self.starts = [a for a, _ in spans]

    def __contains__(self, position: int) -> bool:
        i = bisect.bisect_right(self.starts, position) - 1
        return i >= 0 and position < self.spans[i][1]


def _mention(text: str, m: re.Match[str], code: _Spans) -> Mention:
    digits = m["int"].replace(",", "")
    mult = _MULT.get(m["mult"] or "", 1.0)
    sign = -1.0 if m["sign"] in ("-", "−") else 1.0
    unit = m["unit"] or m["cur"]
    unit = _UNIT_ALIASES.get(unit, unit) if unit else None
    decimals = len(m["frac"]) - 1 if m["frac"] else 0
    step = 10.0 ** -decimals
    if not m["frac"] and len(digits.rstrip("0")) >= 2:
        step = 10.0 ** (len(digits) - len(digits.rstrip("0")))
    tail = re.split(r"[,;:，；。()\n]", text[m.end(): m.end() + 28].lower(), maxsplit=1)[0]
    head = text[max(0, m.start() - 4): m.start()]
    return Mention(
        text=m[0], value=sign * float(digits + (m["frac"] or "")) * mult, unit=unit,
        start=m.start(), end=m.end(), tolerance=0.5 * step * mult + 1e-9,
        period=_first(_PERIODS, tail) or _first(_PERIODS, head, cjk_only=True),
        per=_first(_PER, tail),
        ignore=_why_ignored(text, m, code),
    )


def _first(patterns: tuple[tuple[str, str], ...], near: str, cjk_only: bool = False) -> str | None:
    """The rate word closest after a number (or, Chinese style, `每天` just before it)."""
    if cjk_only:
        found = re.search(r"每\s?([天日月年])", near)
        return {"天": "day", "日": "day", "月": "month", "年": "year"}[found[1]] if found else None
    hits = [(found.start(), name) for name, rx in patterns if (found := re.search(rx, near))]
    return min(hits)[1] if hits and min(hits)[0] < 16 else None


def _why_ignored(text: str, m: re.Match[str], code: _Spans) -> str | None:
    start, end = m.start(), m.end()
    before, after = text[max(0, start - _LOOKBACK):start], text[end:end + 1]  # only the end of the prefix
    if start in code:
        return "inside code"
    last = before[-1:]
    range_end = bool(m["sign"]) and last.isdigit()  # `10-20`: a range, not a name or a minus
    if last and last.isascii() and (last.isalnum() or last in "_.") and not range_end:
        return "part of a name"
    if re.search(r"(?:per|every)\s$|/\s?$", before):
        return "unit denominator"
    if m["sign"] == "-" and last.isascii() and last.isalpha():
        return "part of a name"
    if re.search(r"[\w\]\)'\"]\s?=\s?$", before):
        return "code literal"
    if not m["unit"] and after.isascii() and (after.isalpha() or after == "_"):
        return "part of a name"
    if _NAME_PREFIX.search(before):
        return "part of a name"
    if _starts_line(text, start) and re.match(r"[.)]\s", text[end:end + 2]):
        return "list index"
    return None


def _starts_line(text: str, start: int) -> bool:
    """Only list markup (spaces, `>`, `#`, `*`, `-`) between the line start and `start`; linear overall,
    because the runs walked for different numbers do not overlap."""
    i = start - 1
    while i >= 0 and text[i] in _LIST_MARKUP:
        i -= 1
    return i < 0 or text[i] == "\n"


def _join_ranges(text: str, mentions: list[Mention]) -> None:
    """`10-20%`: the hyphen is not a minus, and the first end shares the second's unit."""
    for low, high in pairwise(mentions):
        gap = text[low.end: high.start + (1 if high.text[:1] in "-−" else 0)]
        if (gap and not _RANGE_GAP.fullmatch(gap)) or low.ignore or high.ignore:
            continue
        if high.text[:1] in "-−":
            high.value, high.text, high.start = abs(high.value), high.text[1:], high.start + 1
        if low.unit is None and high.unit is not None:
            low.unit = high.unit
        low.period, low.per = low.period or high.period, low.per or high.per


def _grade(mention: Mention, sources: list[SourceNumber]) -> GroundedNumber:
    base = mention.model_dump(include={"text", "value", "unit", "start", "end"})
    if mention.ignore:
        return GroundedNumber(**base, status="ignored", note=mention.ignore)
    for source in sources:
        how = _matches(mention, source)
        if how is not None:
            return GroundedNumber(**base, status="verified", source=source.where,
                                  source_value=source.value, note=how)
    is_int = mention.value.is_integer() and mention.unit is None
    if is_int and 0 <= abs(mention.value) <= 10:
        return GroundedNumber(**base, status="ignored", note="small count or index")
    if is_int and 1900 <= mention.value <= 2100 and "," not in mention.text:
        return GroundedNumber(**base, status="ignored", note="year")
    return GroundedNumber(**base, status="unverified", note=_nearest(mention, sources))


def _candidates(mention: Mention, source: SourceNumber) -> Iterator[tuple[float, str]]:
    """Source values expressed in the mention's units, with the conversion used."""
    a, s = mention.unit, source.unit
    family = _FAMILY.get(a or "")
    if family:
        units = [s] if _FAMILY.get(s or "") == family else ([] if s else list(_SCALES[family]))
        for unit in units:
            factor = _SCALES[family][unit] / _SCALES[family][a]
            yield source.value * factor, "" if unit == a else f"{unit}->{a}"
    elif a == "%":
        if s in ("%", None):
            yield source.value, ""
        if s in (None, "x"):
            yield source.value * 100, "fraction->%"
    elif a is None or s is None or a == s:
        yield source.value, ""


def _rate_factors(mention: Mention, source: SourceNumber) -> Iterator[tuple[float, str]]:
    per = 1.0
    if mention.per and source.per and mention.per != source.per:
        per = 1e-3 if mention.per == "token" else 1e3
    if mention.period and source.period and mention.period != source.period:
        for a in _DAYS[mention.period]:
            for b in _DAYS[source.period]:
                yield per * a / b, f"per {source.period}->per {mention.period}"
        return
    yield per, "" if per == 1.0 else f"per {source.per}->per {mention.per}"


def _matches(mention: Mention, source: SourceNumber) -> str | None:
    for value, unit_note in _candidates(mention, source):
        for factor, rate_note in _rate_factors(mention, source):
            if abs(abs(value * factor) - abs(mention.value)) <= mention.tolerance:
                notes = [n for n in (unit_note, rate_note) if n]
                if (value * factor) * mention.value < 0:
                    notes.append("magnitude")
                return ", ".join(notes) or "exact after rounding"
    return None


def _nearest(mention: Mention, sources: list[SourceNumber]) -> str:
    best: tuple[float, SourceNumber] | None = None
    for source in sources:
        for value, _ in _candidates(mention, source):
            gap = abs(abs(value) - abs(mention.value)) / max(abs(mention.value), 1e-12)
            if best is None or gap < best[0]:
                best = (gap, source)
    if best is None:
        return "no tool result or question number matches"
    return f"no match; nearest is {best[1].value:g} at {best[1].where}"


def _walk(node: Any, path: str) -> Iterator[SourceNumber]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(node, bool) or node is None:
        return
    elif isinstance(node, (int, float)):
        key = path.rsplit(".", 1)[-1].lower()
        yield SourceNumber(value=float(node), unit=_unit_from_key(key), where=path,
                           period=_period_from_key(key), per=_per_from_key(key))
    elif isinstance(node, str):
        yield from _text_sources(node, path)


def _text_sources(text: str, where: str) -> list[SourceNumber]:
    return [
        SourceNumber(value=m.value, unit=m.unit, where=where, period=m.period, per=m.per)
        for m in extract_numbers(text)
        if m.ignore is None
    ]


_KEY_UNITS = (("kwh", "kWh"), ("mwh", "MWh"), ("_wh", "Wh"), ("kj", "kJ"), ("energy_j", "J"),
              ("joule", "J"), ("power_w", "W"), ("_kw", "kW"), ("pct", "%"), ("percent", "%"),
              ("co2_kg", "kg"), ("kg_co2", "kg"), ("kgco2", "kg"), ("_kg", "kg"), ("co2_g", "g"), ("gco2", "g"), ("usd", "$"),
              ("cost", "$"), ("price", "$"), ("ratio", "x"), ("tok_s", "tok/s"), ("_ms", "ms"))


def _unit_from_key(key: str) -> str | None:
    key = key.split("_per_")[0] or key  # "usd_per_kwh" is dollars, "grid_gco2_per_kwh" grams
    for fragment, unit in _KEY_UNITS:
        if fragment in key:
            return unit
    if key.endswith("_j"):
        return "J"
    if key.endswith("_w"):
        return "W"
    return None


def _period_from_key(key: str) -> str | None:
    for name, words in (("day", ("day", "daily")), ("month", ("month",)), ("year", ("year", "annual"))):
        if any(w in key for w in words):
            return name
    return None


def _per_from_key(key: str) -> str | None:
    if "per_1k" in key or "1k_tok" in key:
        return "1k"
    return "token" if "per_tok" in key else None
