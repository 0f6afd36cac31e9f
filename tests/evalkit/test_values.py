"""Paths into tool results and numbers as written in answers."""

from __future__ import annotations

import pytest

from ecocompute.evalkit.values import answer_shows, parse_path, walk, written_numbers

DATA = {"tables": [{"rows": [{"precision": "fp16", "d": None}, {"precision": "NF4", "d": {"pct": 2.5}}]}]}


def test_walk_with_wildcards_and_filters() -> None:
    assert walk(DATA, "tables.*.rows[precision=nf4].d.pct") == [2.5]
    assert walk(DATA, "tables.*.rows.*.precision") == ["fp16", "NF4"]
    assert walk(DATA, "tables.*.rows[precision=int8].d") == []
    assert parse_path("a[b=c].d") == [("a", None), ("b", "c"), ("d", None)]


def test_written_numbers_read_separators_signs_and_decimals() -> None:
    found = written_numbers("+30.7% and 1,768 J and −4.1 and v0.11.1")
    assert [(w.value, w.decimals) for w in found][:3] == [(30.7, 1), (1768.0, 0), (-4.1, 1)]


@pytest.mark.parametrize(("text", "value", "ok"), [
    ("uses 1,768 J", 1768.3, True),
    ("uses 1,770 J", 1768.3, False),
    ("-34.5%", -34.5, True),
    ("34.5% less", -34.5, True),
    ("about 5", 5.4, False),
    ("0 kWh", 0.2, False),
])
def test_answer_shows_respects_the_written_precision(text: str, value: float, ok: bool) -> None:
    assert answer_shows(text, value) is ok
