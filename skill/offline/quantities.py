"""Stated quantities: request or token volumes with their period, tokens per reply, PUE, grid intensity.

Runs on text whose numbers `numbers.normalise` has already turned into digits. A volume is a number,
up to two filler words, and a volume noun (`vocab.REQUEST_NOUNS` / `vocab.TOKEN_NOUNS`); its period is
the nearest period word after it (or, Chinese style, before it) in the same clause, "total" when a
one-off word is near, else None (the planner says which period it assumed).
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from ecocompute.offline import vocab as vc
from ecocompute.offline.numbers import value

_I = re.IGNORECASE
_NUM = r"(?<![A-Za-z0-9_.])(?<!\d,)(?P<n>[-−]?\d[\d,]*(?:\.\d+)?)"
VOLUME = re.compile(_NUM + r"[\s-]*" + vc.FILLER + r"(?P<noun>" + vc.REQUEST_NOUNS + r"|" + vc.TOKEN_NOUNS + r")(?![A-Za-z])", _I)
_DENOMINATOR_BEFORE = re.compile(r"(?:per|every|each|/|每|for\s+every)\s*$", _I)
_SPEED_AFTER = re.compile(r"^\s*(?:/|per|a|每)\s*(?:s\b|sec|second|秒)", _I)
_AT_A_TIME = re.compile(r"^\s*(?:at\s+(?:a\s+time|once)|per\s+batch|in\s+(?:a|one|each)\s+batch|concurrently|in\s+parallel|同时|一批|并发)", _I)
_PER_REQUEST_AFTER = re.compile(r"^[\s\w]{0,12}?(?:per|each|a|/|every|apiece)\s*(?:request|reply|response|answer|call|query|prompt|document|doc|generation|completion)?"
                                r"|^\s*(?:long|out|each|apiece)|^\s*(?:每次|每个|每条)", _I)
_CLAUSE_END = re.compile(r"[.;!?](?:\s|$)|[。；！？]|[，,、]|\s-\s|\bwith\b|\bon\b(?!\s+(?:average|a\s))")
_BEFORE_WINDOW, _AFTER_WINDOW, _TOTAL_WINDOW = 14, 32, 60
ONE_AT_A_TIME = re.compile(r"\b(?:one|a\s+single)\s+(?:request|prompt|query|input|sample)\s+at\s+a\s+time|逐条|一条一条|一次一条", _I)
PUE = re.compile(r"\bPUE\b\s*(?:of|=|is|:|at|around|about|~|为|是)?\s*(\d(?:\.\d+)?)", _I)
GRID = re.compile(r"(?<![\d.])(\d++(?:\.\d+)?)\s*+(?:g|grams?|克)\s*(?:of\s+)?(?:CO2e?|CO₂)?\s*(?:eq)?\s*(?:/|per|每)\s*(?:kWh|度|千瓦时)", _I)
PRICE_OTHER_CURRENCY = re.compile(r"(?<![\d.])(\d++(?:\.\d+)?)\s*+(?:元|RMB|CNY|yuan|€|EUR|euros?|cents?|¢|p\b|pence)\s*(?:/|per|a|每)\s*(?:kWh|度|千瓦时)", _I)


class Volume(BaseModel):
    """A stated volume: what it counts, how many, over which period (None: not said)."""

    noun: str  # "requests" or "tokens"
    amount: float
    period: vc.Period | None
    text: str


def volumes(text: str) -> tuple[list[Volume], float | None, int | None]:
    """(volumes, tokens per request, batch size read as "N requests at a time") from normalised text."""
    found: list[Volume] = []
    per_request: list[tuple[bool, float]] = []
    at_a_time: int | None = None
    for m in VOLUME.finditer(text):
        before, after = text[:m.start()], text[m.end():]
        if _DENOMINATOR_BEFORE.search(before[-8:]) or _SPEED_AFTER.match(after):
            continue
        amount = value(m.group("n").replace("−", "-"))
        tokens = re.fullmatch(vc.TOKEN_NOUNS, m.group("noun"), _I) is not None
        if not tokens and _AT_A_TIME.match(after):
            at_a_time = int(amount)
            continue
        period = _period(text, m.start(), m.end(), total=not tokens)
        if tokens and period is None:
            per_request.append((bool(_PER_REQUEST_AFTER.match(after)) or _output_word(text, m.start(), m.end()), amount))
            continue
        found.append(Volume(noun="tokens" if tokens else "requests", amount=amount, period=period, text=m.group(0)))
    if at_a_time is None and ONE_AT_A_TIME.search(text):
        at_a_time = 1
    best = sorted(per_request, key=lambda p: not p[0])
    return found, (best[0][1] if best else None), at_a_time


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before and after a match, cut at the clause boundaries."""
    before = text[max(0, start - _BEFORE_WINDOW):start]
    cut = list(_CLAUSE_END.finditer(before))
    if cut:
        before = before[cut[-1].end():]
    after = text[end:end + _AFTER_WINDOW]
    stop = _CLAUSE_END.search(after)
    return before, after[:stop.start()] if stop else after


def _period(text: str, start: int, end: int, total: bool = True) -> vc.Period | None:
    before, after = _clause(text, start, end)
    hits = [(m.start(), p) for p, rx in vc.PERIOD_RE.items() if (m := rx.search(after))]
    if hits:
        return min(hits)[1]
    back = [(m.end(), p) for p, rx in vc.PERIOD_RE.items() for m in rx.finditer(before)]
    if back:
        return max(back)[1]
    near = text[max(0, start - _TOTAL_WINDOW):end + _TOTAL_WINDOW]
    return "total" if total and re.search(vc.TOTAL_WORDS, near, _I) else None


def _output_word(text: str, start: int, end: int) -> bool:
    near = text[max(0, start - 30):end + 20]
    return bool(re.search(r"repl|respons|answer|output|generat|completion|回复|回答|输出|生成", near, _I))
