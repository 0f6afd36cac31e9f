"""Numbers as written in text: value in plain units, unit, rate (per day/month/year, per token/1k tokens),
tolerance from the digits shown, and why a number is not a claim (part of a name, code, list index, ...).

Grounding reads the answer with it, input grounding the question; both rely on it being linear in the text.
"""

from __future__ import annotations

import bisect
import re
from itertools import pairwise

from pydantic import BaseModel

_MULT = {"万": 1e4, "亿": 1e8, "千": 1e3, "k": 1e3, "K": 1e3, "M": 1e6,
         "thousand": 1e3, "million": 1e6, "billion": 1e9}
_UNIT_ALIASES = {"×": "x", "times": "x", "tokens/s": "tok/s", "USD": "$", "CNY": "¥", "RMB": "¥",
                 "EUR": "€", "kgCO2": "kg", "gCO2": "g", "tCO2": "t"}
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
