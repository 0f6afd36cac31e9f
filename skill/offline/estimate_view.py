"""The ESTIMATE answer's template context from `estimate_cost` (and the regimes of the rows it used).
"""

from __future__ import annotations

from typing import Any

from ecocompute.offline.labels import label, regime
from ecocompute.prompting import format_number


def estimate_context(data: dict[str, Any], rows: list[dict[str, Any]] | None = None,
                     claims: list[float] | None = None) -> tuple[dict[str, Any], list[str]]:
    """The ESTIMATE template context (current and optimised scenarios, savings, warnings) and the tool's assumptions."""
    inp, cur, opt, sav = data["inputs"], data["current"], data.get("optimised"), data.get("savings")
    regimes = {r["row_id"]: regime(r) for r in rows or []}
    scenarios = [_scenario("Current", cur, regimes)] + ([_scenario("Optimised", opt, regimes)] if opt else [])
    breakdown = []
    if sav and opt:
        breakdown.append({"change": f"{label(cur['precision'])} batch {cur['batch_size']} -> {label(opt['precision'])} batch {opt['batch_size']}",
                          "kwh_saved": sav["kwh_per_month"], "usd_saved": sav.get("cost_usd_per_month"),
                          "kg_co2_saved": sav.get("kg_co2_per_month"), "pct": sav.get("pct"),
                          "basis": ("derived, " if sav.get("comparable") else "indicative, ") + sav["note"]})
    warnings = data.get("warnings", []) + [f"Current: {cur['how']}"] + ([f"Optimised: {opt['how']}"] if opt else [])
    warnings += cur.get("other_measurements", [])
    if claims and cur.get("energy_j_per_request") is not None:
        warnings.insert(0, f"The question quotes {', '.join(format_number(c) for c in claims)} J per request; the measured "
                           f"figure is {format_number(cur['energy_j_per_request'])} J per request at "
                           f"{format_number(inp['tokens_per_request'])} generated tokens per request ({cur['how']}), "
                           "so the estimate uses the measured figure, not the quoted one")
    ctx = {"requests_per_month": inp["requests_per_month"], "tokens_per_request": inp["tokens_per_request"],
           "region": _grid(data["location"]), "usd_per_kwh": inp["usd_per_kwh"], "grid_gco2_per_kwh": inp["grid_gco2_per_kwh"],
           "scenarios": scenarios, "breakdown": breakdown, "formula": data["formula"], "warnings": warnings}
    return ctx, [a.rstrip(".") for a in data.get("assumptions", [])]


def _grid(place: dict[str, Any]) -> str:
    """Which row and which intensity basis the estimate used (estimate_cost's `location`)."""
    price = place.get("price_source")
    where = f"; price from {price.split(': ')[0]}" if price and price != "user" else ""
    return f"{place['name']}, {place['row']}, {place['intensity_basis']}{where}"


def _scenario(name: str, c: dict[str, Any], regimes: dict[str, str]) -> dict[str, Any]:
    where = next((regimes[r] for r in c["row_ids"] if r in regimes), c["engine"])
    return {"label": name, "config": f"{c['model']} on {c['gpu']}, {label(c['precision'])}, batch {c['batch_size']} ({where})",
            "energy_j_per_1k_tok": c["energy_j_per_1k_tok"], "energy_j_per_request": c.get("energy_j_per_request"),
            "kwh": c["kwh_per_month"], "usd": c["cost_usd_per_month"],
            "kg_co2": c["kg_co2_per_month"], "basis": c["basis"], "rows": c["row_ids"]}
