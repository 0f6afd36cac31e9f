"""What a question asks: the intent kind and the asked quantity and unit, from `vocab` word lists and the
question's form (the asked sentence, a yes/no start, a wh-word), never from a scenario's phrase."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

from ecocompute.offline import vocab as vc
from ecocompute.protocols import ProtocolName

Kind = Literal["LOOKUP", "SAVING", "VERDICT"] | ProtocolName  # a figure, a saving, a verdict, or a protocol
FIGURE_UNITS = ("J/1k tok", "J/request", "tok/s", "W", "ms")
VOLUME_UNITS = ("kWh", "USD", "kg CO2", "g CO2/request")
_PERIOD_AFTER = re.compile(r"(?<!\s)\s*+(?:" + "|".join(vc.PERIOD_WORDS.values()) + ")", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*")


class Asked(BaseModel):
    """The quantity a question asks for and its unit (None: no figure asked), the period and per-GPU."""

    quantity: str | None = None
    unit: str | None = None
    period: vc.Period | None = None
    per_gpu: bool = False
    percent: bool = False
    in_question: bool = False


def asked_sentence(prose: str) -> str:
    """The last sentence that ends with a question mark (else the last sentence, else the text)."""
    sentences = [s.strip() for s in _SENTENCE.split(prose.strip()) if s.strip()]
    questions = [s for s in sentences if s.endswith(("?", "？"))]
    return questions[-1] if questions else (sentences[-1] if sentences else prose)


def asked(prose: str, volume_spans: list[tuple[int, int]]) -> Asked:
    """The asked unit: the first `vocab.ASKED_UNITS` entry (declared most specific first) found in the asked
    sentence, else in the whole text."""
    out = Asked(per_gpu=bool(vc.PER_GPU.search(prose)), percent=bool(vc.PERCENT_ASKED.search(asked_sentence(prose))))
    for in_question, text in ((True, asked_sentence(prose)), (False, prose)):
        hit = next(((q, u) for q, u, rx in vc.ASKED_UNITS if rx.search(text)), None)
        if hit:
            out.quantity, out.unit = hit
            out.in_question = in_question
            break
    out.period = _asked_period(prose, volume_spans)
    return out


def _asked_period(prose: str, volume_spans: list[tuple[int, int]]) -> vc.Period | None:
    """A period word that is not part of a stated volume ("... cost per year?", "一年的电费")."""
    free = prose
    for start, end in sorted(volume_spans, reverse=True):
        follow = _PERIOD_AFTER.match(prose, end)
        end = follow.end() if follow else end
        free = free[:start] + " " * (end - start) + free[end:]
    hits = [(m.start(), p) for p, rx in vc.PERIOD_RE.items() for m in rx.finditer(free)]
    return max(hits)[1] if hits else None


def kind(prose: str, *, code: bool, symptoms: list[str], has_volume: bool, ask: Asked,
         precisions: int, batches: int) -> Kind | None:
    """The intent kind read from the question's form; None leaves the protocol to the cue scores."""
    q = asked_sentence(prose)
    if code:
        return "AUDIT"
    if vc.WHY.search(prose) or vc.BILL_SYMPTOM.search(prose):
        return "DIAGNOSE"
    unit = ask.unit if ask.in_question else None
    if vc.SETTING_ASKED.search(q):
        return "OPTIMIZE"
    if has_volume and unit in VOLUME_UNITS:
        return "ESTIMATE"
    if vc.EXPLICIT_PROTOCOL.search(prose) or symptoms:
        return None  # "Recommend a configuration." / a described symptom: the protocol cues decide
    if vc.CHOICE.search(q):
        return "COMPARE"
    alternative = vc.ALTERNATIVE.search(q) and not vc.YES_OR_NO.search(q)
    if (vc.YES_NO_START.search(q) or vc.YES_NO_ZH.search(q)) and not alternative and not vc.WH_FIGURE.match(q):
        return "VERDICT"
    if vc.SAVING.search(q) and (ask.percent or re.search(r"how\s+much|多少", q, re.IGNORECASE)) and (precisions or batches or has_volume):
        return "SAVING"
    if has_volume or unit in VOLUME_UNITS and unit != "kWh" or (unit == "kWh" and re.search(r"kWh|用电|耗电|度电|千瓦时", q)):
        return "ESTIMATE"
    if unit in FIGURE_UNITS and not symptoms and (vc.WH_FIGURE.search(q) or q.rstrip().endswith(("?", "？"))):
        return "LOOKUP"
    return None
