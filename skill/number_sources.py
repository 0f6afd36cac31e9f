"""The numbers a transcript provides: every number in a successful tool result (with its tool and field path,
its unit, period and rate read from the field name) and in the user's messages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ecocompute.messages import Transcript
from ecocompute.number_mentions import extract_numbers

_KEY_UNITS = (("kwh", "kWh"), ("mwh", "MWh"), ("_wh", "Wh"), ("kj", "kJ"), ("energy_j", "J"),
              ("joule", "J"), ("power_w", "W"), ("_kw", "kW"), ("pct", "%"), ("percent", "%"),
              ("co2_kg", "kg"), ("kg_co2", "kg"), ("kgco2", "kg"), ("_kg", "kg"), ("co2_g", "g"), ("gco2", "g"), ("usd", "$"),
              ("cost", "$"), ("price", "$"), ("ratio", "x"), ("tok_s", "tok/s"), ("_ms", "ms"))


class SourceNumber(BaseModel):
    value: float
    unit: str | None = None
    where: str
    period: str | None = None
    per: str | None = None


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
