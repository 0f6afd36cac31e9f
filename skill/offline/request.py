"""The typed request fields the reader adds to an `Intent`: intent kind, asked quantity and unit, and every
stated quantity (volumes with their period, PUE, grid intensity, unmeasured methods and model variants).

`Intent` (parse.py) inherits `RequestFields`, so the question is read into ONE typed request.
`compare_request` reports how a read request differs from an expected one (held-out runner, corpus test).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from ecocompute.offline import quantities as qt
from ecocompute.offline import reading
from ecocompute.offline import vocab as vc
from ecocompute.offline.extract import first_float

VOLUME_FIELDS = {("requests", "day"): "requests_per_day", ("requests", "month"): "requests_per_month",
                 ("requests", "year"): "requests_per_year", ("requests", "total"): "requests_total",
                 ("tokens", "day"): "tokens_per_day", ("tokens", "month"): "tokens_per_month",
                 ("tokens", "year"): "tokens_per_year", ("tokens", "total"): "tokens_total"}


class RequestFields(BaseModel):
    """What the question asks (kind, asked) and what it states beyond the configuration."""

    kind: reading.Kind | None = None
    asked: reading.Asked = Field(default_factory=reading.Asked)
    volumes: list[qt.Volume] = Field(default_factory=list)
    period_assumed: bool = False
    requests_per_year: float | None = None
    requests_total: float | None = None
    tokens_per_day: float | None = None
    tokens_per_month: float | None = None
    tokens_per_year: float | None = None
    tokens_total: float | None = None
    pue: float | None = None
    grid_gco2_per_kwh: float | None = None
    other_currency_price: str | None = None
    methods: list[str] = Field(default_factory=list)
    unknown_models: list[str] = Field(default_factory=list)


def fill(target: Any, prose: str) -> None:
    """Set the volume, PUE, grid, method and model-variant fields of `target` from normalised prose."""
    found, per_request, at_a_time = qt.volumes(prose)
    target.volumes = found
    for v in found:
        period = v.period or "month"
        target.period_assumed = target.period_assumed or v.period is None
        name = VOLUME_FIELDS[(v.noun, period)]
        if getattr(target, name) is None:
            setattr(target, name, v.amount)
    if target.tokens_per_request is None and per_request is not None:
        target.tokens_per_request = per_request
    if target.batch_size is None and at_a_time is not None:
        target.batch_size = at_a_time
    target.pue = first_float(qt.PUE, prose)
    target.grid_gco2_per_kwh = first_float(qt.GRID, prose)
    other = qt.PRICE_OTHER_CURRENCY.search(prose)
    target.other_currency_price = other.group(0) if other else None
    target.methods = [name for pattern, name in vc.UNMEASURED_METHODS if re.search(pattern, prose, re.IGNORECASE)]


def fill_kind(target: Any, prose: str) -> None:
    """The asked quantity and the intent kind (after every other field is read)."""
    spans = [m.span() for m in qt.VOLUME.finditer(prose)]
    target.asked = reading.asked(prose, spans)
    has_volume = any(getattr(target, f) is not None for f in (*VOLUME_FIELDS.values(),))
    target.kind = reading.kind(prose, code=bool(target.code), symptoms=target.symptoms, has_volume=has_volume,
                               ask=target.asked, precisions=len(target.precisions), batches=len(target.batch_sizes))
    if target.kind == "SAVING" and target.asked.percent:
        target.asked = target.asked.model_copy(update={"quantity": "saving", "unit": "%"})


STATED_FIELDS = ("requests_per_day", "requests_per_month", "requests_per_year", "requests_total", "tokens_per_day",
                 "tokens_per_month", "tokens_per_year", "tokens_total", "tokens_per_request", "batch_size", "num_gpus",
                 "deadline_ms", "usd_per_kwh", "grid_gco2_per_kwh", "pue", "observed_power_w", "observed_tokens_per_s", "region")


def stated(request: Any) -> dict[str, Any]:
    """Every stated quantity by field name (batch sizes as a list when more than one was named)."""
    out = {name: getattr(request, name) for name in STATED_FIELDS if getattr(request, name) is not None}
    if len(request.batch_sizes) > 1:
        out["batch_size"] = list(request.batch_sizes)
    return out


def compare_request(text: str, expected: dict[str, Any]) -> list[str]:
    """Differences between the request read from `text` and `expected` (intent, asked unit/period, stated)."""
    from ecocompute.offline.parse import parse

    got = parse(text)
    kind = got.kind or got.protocol or "OPTIMIZE"
    diffs = [] if kind == expected["intent"] else [f"intent {kind} != {expected['intent']}"]
    ask = expected.get("asked") or {}
    if ask.get("unit") and ask["unit"] != got.asked.unit:
        diffs.append(f"asked unit {got.asked.unit} != {ask['unit']}")
    if ask.get("period") and ask["period"] not in (got.asked.period, "month" if got.asked.period is None else None):
        diffs.append(f"asked period {got.asked.period} != {ask['period']}")
    have = stated(got)
    for name, want in (expected.get("stated") or {}).items():
        if _norm(have.get(name)) != _norm(want):
            diffs.append(f"stated {name} {have.get(name)!r} != {want!r}")
    return diffs


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return value.lower() if isinstance(value, str) else value


def not_used(question: str, request: Any, arguments: list[dict[str, Any]]) -> list[str]:
    """A note for every stated number no tool call carries: what it was read as and why it is not used."""
    from ecocompute.i18n import tr
    from ecocompute.input_grounding import unused

    named = {float(v): k for k, v in stated(request).items() if isinstance(v, int | float) and not isinstance(v, bool)}
    notes = []
    for m in unused(question, arguments):
        field = named.get(m.value)
        why = (tr("read as {field}, which the tools called for this question do not take", field=field.replace("_", " ")) if field
               else tr("the engine could not read what it counts, so it was not passed to a tool"))
        notes.append(tr("{number} (stated in the question) is not used: {why}", number=m.text.strip(), why=why))
    return notes
