"""Volumes and periods for `estimate_cost`: any stated volume becomes requests per month (or a one-off total),
and a configuration's monthly figures are also given per day, per year, per request and for a one-off job.

requests per month = requests per day x 30 = requests per year / 12 = tokens per period / tokens per request
per day = per month / 30; per year = per month x 12; g CO2 per request = J per request x PUE / 3.6e6 x g CO2 per kWh
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args

from ecocompute.tools.basis import r4
from ecocompute.tools.errors import ToolInputError, conflicting, missing

DAYS_PER_MONTH = 30
MONTHS_PER_YEAR = 12
# The original skill's on-premises PUE default (no facility overhead counted): what `deployment: on_premises` meant.
ON_PREMISES_PUE = 1.0
FORMULA = ("requests_per_month = requests_per_day x 30 = requests_per_year / 12 = tokens_per_period / tokens_per_request; "
           "per_day = per_month / 30; per_year = per_month x 12; g_co2_per_request = energy_per_request_J x PUE / 3.6e6 x grid_gco2_per_kwh")
VolumeUnit = Literal["requests_per_month", "requests_per_day", "requests_per_year", "requests_total",
                     "tokens_per_day", "tokens_per_month", "tokens_per_year", "tokens_total"]
VOLUME_ARGS: tuple[str, ...] = get_args(VolumeUnit)
_TO_MONTH = {"per_day": DAYS_PER_MONTH, "per_month": 1.0, "per_year": 1 / MONTHS_PER_YEAR, "total": 1.0}


def legacy_arguments(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """`estimate_cost` arguments in the flat spelling of earlier versions (`requests_per_day: 1000`, one argument
    per unit; `deployment`) rewritten as the current ones (`volume: 1000, volume_unit: requests_per_day`; `pue`).
    Two volumes given at once are a conflict, as they always were."""
    out = dict(arguments)
    flat = {k: out.pop(k) for k in VOLUME_ARGS if k in out}
    given = {k: v for k, v in flat.items() if v is not None}
    if out.get("volume") is not None and given:
        given = {f"volume ({out.get('volume_unit') or 'requests_per_month'})": out["volume"], **given}
    if len(given) > 1:
        raise conflicting("Give exactly one volume, not " + " and ".join(given) + ".", *given)
    if given:
        (unit, amount), = given.items()
        out.update(volume=amount, volume_unit=unit)
    if out.pop("deployment", None) == "on_premises" and out.get("pue") is None:
        out["pue"] = ON_PREMISES_PUE
    return out


def monthly_requests(volume: float | None, unit: str, tokens_per_request: float) -> tuple[float, bool]:
    """(requests per month, or the job's requests when `total`; whether the volume is a one-off total)."""
    if volume is None:
        raise missing("Give the volume (and its volume_unit, e.g. requests_per_month).", "volume")
    if volume <= 0:
        raise ToolInputError(f"{unit} must be greater than 0 (got {volume:g}).")
    noun, _, period = unit.partition("_")
    requests = volume / tokens_per_request if noun == "tokens" else volume
    return requests * _TO_MONTH[period], period == "total"



def periods(config: dict[str, Any], one_off: bool, pue: float, grid: float | None) -> dict[str, float | None]:
    """Per-day, per-year and per-request figures of one configuration's monthly figures (or its one-off totals)."""
    per_req = config.get("energy_j_per_request")
    out: dict[str, float | None] = {
        "g_co2_per_request": r4(per_req * pue / 3.6e6 * grid) if per_req is not None and grid is not None else None}
    for key in ("kwh", "cost_usd", "kg_co2"):
        month = config.get(f"{key}_per_month")
        if one_off:
            out[f"{key}_total"] = month
            continue
        out[f"{key}_per_day"] = r4(month / DAYS_PER_MONTH) if month is not None else None
        out[f"{key}_per_year"] = r4(month * MONTHS_PER_YEAR) if month is not None else None
    return out
