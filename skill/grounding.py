"""Grounding: every number in a final answer must trace to a tool result or the user's question.

Allowed between an answer number and a source number: rounding to the digits shown, the unit
scalings J/kJ/MJ/Wh/kWh/MWh, W/kW/MW, g/kg/t, fraction<->percent, per-token<->per-1k tokens, and
per day/month/year. Nothing else: any other arithmetic is a claim the tools did not make. Numbers that
are part of a name or code (`Mistral-7B`, `RTX 4090`, `FP16`, `batch_size=8`, code spans), list
indices, and unverified small counts (0-10) or years are ignored, with the reason.

How numbers are read from text is `number_mentions.py`; which numbers a transcript provides is
`number_sources.py`; this module matches the one against the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, Field

from ecocompute.messages import Transcript
from ecocompute.number_mentions import Mention, extract_numbers
from ecocompute.number_sources import SourceNumber, transcript_sources

Status = Literal["verified", "unverified", "ignored"]

_SCALES: dict[str, dict[str, float]] = {
    "energy": {"J": 1, "kJ": 1e3, "MJ": 1e6, "Wh": 3600, "kWh": 3.6e6, "MWh": 3.6e9, "GWh": 3.6e12},
    "power": {"W": 1, "kW": 1e3, "MW": 1e6},
    "mass": {"g": 1, "kg": 1e3, "t": 1e6},
}
_FAMILY = {unit: family for family, units in _SCALES.items() for unit in units}
_DAYS = {"day": (1.0,), "month": (30.0, 365 / 12, 30.4375), "year": (365.0, 365.25)}


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
        """No number of the answer is unverified."""
        return not self.unverified


def check_grounding(transcript: Transcript, answer: str | None = None) -> GroundingReport:
    """Check every number of `answer` (default: the transcript's final answer)."""
    text = transcript.answer if answer is None else answer
    return check_numbers(text, transcript_sources(transcript))


def check_numbers(answer: str, sources: list[SourceNumber]) -> GroundingReport:
    """Grade every number of `answer` against `sources`: verified, unverified or ignored, with why."""
    report = GroundingReport()
    for mention in extract_numbers(answer):
        graded = _grade(mention, sources)
        getattr(report, graded.status).append(graded)
    return report


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


__all__ = ["GroundedNumber", "GroundingReport", "Mention", "SourceNumber", "check_grounding", "check_numbers",
           "extract_numbers", "transcript_sources"]
