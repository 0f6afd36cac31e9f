"""The generated question corpus: the reader gets intent, asked unit and period, every stated quantity and the
model right on at least 99 % of the generated questions (EN and ZH)."""

from __future__ import annotations

from typing import Any

from corpus import questions

from ecocompute.offline.parse import parse
from ecocompute.offline.request import stated

SIZE = 2400
REQUIRED_EXACT = 0.99


def mismatches(text: str, want: dict[str, Any]) -> list[str]:
    got = parse(text)
    out = []
    intent = got.kind or got.protocol or "OPTIMIZE"
    if intent != want["intent"]:
        out.append(f"intent {intent} != {want['intent']}")
    if want["unit"] is not None and got.asked.unit != want["unit"]:
        out.append(f"unit {got.asked.unit} != {want['unit']}")
    if want["period"] not in (None, "month") and got.asked.period != want["period"]:
        out.append(f"period {got.asked.period} != {want['period']}")
    have = stated(got)
    for name, value in want["stated"].items():
        if have.get(name) is None or float(have[name]) != float(value):
            out.append(f"{name} {have.get(name)} != {value}")
    if got.model != want["model"]:
        out.append(f"model {got.model} != {want['model']}")
    return out


def test_the_corpus_is_large_and_bilingual() -> None:
    generated = list(questions(SIZE))
    assert len(generated) == SIZE
    assert sum(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text, _ in generated) >= SIZE // 4
    assert len({w["intent"] for _, w in generated}) == 7


def test_the_reader_reads_at_least_99_percent_of_the_corpus_exactly() -> None:
    failures = [(text, diff) for text, want in questions(SIZE) if (diff := mismatches(text, want))]
    rate = 1 - len(failures) / SIZE
    shown = "\n".join(f"{t!r}: {d}" for t, d in failures[:15])
    assert rate >= REQUIRED_EXACT, f"{rate:.2%} exact ({len(failures)} of {SIZE} wrong):\n{shown}"
