"""The answer's first one or two sentences: the asked quantity in the asked unit (or yes/no, or "not measured"
with the nearest evidence labelled), with the rows it rests on. Values are selected from tool results, never
computed here; unit conversions (per day/year, per request, g CO2) come from the tools.
"""

from __future__ import annotations

import re
from typing import Any

from ecocompute.offline.plan import Plan
from ecocompute.offline.views import label
from ecocompute.prompting import format_number, format_pct

ROW_FIELD = {"J/1k tok": ("energy_j_per_1k_tok", "J per 1k tokens"), "tok/s": ("throughput_tok_s", "tok/s"),
             "W": ("power_w", "W"), "ms": ("p99_itl_ms", "ms p99 inter-token latency"),
             "J/request": ("energy_j_per_request", "J per request")}
ESTIMATE_KEY = {"kWh": ("kwh", "kWh"), "USD": ("cost_usd", "USD"), "kg CO2": ("kg_co2", "kg CO2")}
PERIOD_WORD = {"day": "per day", "month": "per month", "year": "per year", "total": "in total"}


def opening(plan: Plan, outcomes: list[Any]) -> list[str]:
    """The opening sentences for `plan` and its tool outcomes (empty when there is nothing to open with)."""
    lines = _coverage(plan, outcomes)
    ok = {o.name: o for o in outcomes if o.ok}
    if plan.protocol == "ESTIMATE" and "estimate_cost" in ok:
        lines.append(_estimate(plan, ok["estimate_cost"].data))
    elif plan.kind == "VERDICT":
        lines.append(_verdict(plan, outcomes))
    elif plan.kind == "SAVING" and "compare_precisions" in ok:
        lines.append(_saving(plan, ok["compare_precisions"].data))
    elif plan.lookup:
        lines.append(_lookup(plan, [o for o in outcomes if o.ok and o.name == "lookup_measurement"]))
    return [line for line in lines if line]


def _coverage(plan: Plan, outcomes: list[Any]) -> list[str]:
    out = [f"**{m} is not measured** in the dataset: no row uses it, so no {m} figure is given; what follows is the "
           "nearest measured evidence, labelled as such." for m in plan.methods]
    for o in outcomes:
        if not o.ok and o.error:
            named = re.match(r"Unknown (GPU|model) '([^']+)'", o.error)
            if named:
                out.append(f"**{named.group(2)} is not measured**: it is not in the {named.group(1)} data, so nothing is "
                           "substituted for it (see the tool's message below for what is covered).")
            else:
                out.append(f"**The question cannot be answered as asked**: `{o.name}` rejected the input ({o.error.rstrip('.')}).")
        elif o.ok and o.name == "lookup_measurement" and not o.data.get("rows"):
            q = o.data.get("query", {})
            covered = (o.data.get("covered") or {}).get("gpus measured for the other filters")
            where = f"; measured GPUs for these filters: {', '.join(covered)}" if covered else ""
            out.append(f"**Not measured**: no row for {q.get('model') or 'this model'} on {q.get('gpu')}"
                       f"{' at ' + label(q['precision']) if q.get('precision') else ''}{where}.")
    return list(dict.fromkeys(out))


def _rows_text(ids: list[str]) -> str:
    return f"row{'s' if len(ids) > 1 else ''} {', '.join(ids)}"


def _estimate(plan: Plan, data: dict[str, Any]) -> str:
    cur, inputs = data["current"], data["inputs"]
    where = f"{cur['model']} on {cur['gpu']}, {label(cur['precision'])}, batch {cur['batch_size']} ({cur['basis']}, {_rows_text(cur['row_ids'])})"
    unit = plan.asked.unit
    if unit == "g CO2/request" and cur.get("g_co2_per_request") is not None:
        return f"**{format_number(cur['g_co2_per_request'])} g CO2 per request** for {where}."
    if unit == "J/request" and cur.get("energy_j_per_request") is not None:
        return (f"**{format_number(cur['energy_j_per_request'])} J per request** at {format_number(inputs['tokens_per_request'])} "
                f"generated tokens per request for {where}.")
    period = "total" if inputs.get("period") == "total" else (plan.asked.period if plan.asked.period in ("day", "year") else "month")
    keys = [ESTIMATE_KEY[unit]] if unit in ESTIMATE_KEY else list(ESTIMATE_KEY.values())
    parts = []
    for key, word in keys:
        field = f"{key}_total" if period == "total" else f"{key}_per_{period}"
        if cur.get(field) is not None:
            parts.append(f"{'$' if key == 'cost_usd' else ''}{format_number(cur[field])}{'' if key == 'cost_usd' else ' ' + word}"
                         + (" USD" if key == "cost_usd" else ""))
    if not parts:
        return f"No estimate in the asked unit: the tool returned none for {where}."
    text = f"**{' / '.join(parts)} {PERIOD_WORD[period]}** for {where}"
    saving = data.get("savings")
    if plan.kind == "SAVING" and saving:
        text += (f"; the recommended configuration would save {format_number(saving['kwh_per_month'])} kWh"
                 + (f" and ${format_number(saving['cost_usd_per_month'])}" if saving.get("cost_usd_per_month") is not None else "")
                 + (" for the job" if period == "total" else " per month"))
    return text + "."


def _baseline_rows(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    table = data["tables"][0]
    rows = {r["precision"]: r for r in table["rows"] if r.get("measured")}
    return table, rows


def _verdict(plan: Plan, outcomes: list[Any]) -> str:
    comp = next((o.data for o in outcomes if o.ok and o.name == "compare_precisions" and o.data.get("tables")), None)
    asked = [p for p in plan.precisions if p not in ("fp16", "bf16")] or plan.precisions
    if comp and asked:
        table, rows = _baseline_rows(comp)
        row = rows.get(asked[0])
        if row is None:
            return (f"**Not measured**: no {label(asked[0])} row for {comp['model']} on {comp['gpu']} at batch {comp['batch_size']}, "
                    "so there is no measured yes or no; the measured precisions are below.")
        delta = (row.get("delta_energy_vs_baseline") or {}).get("pct")
        if delta is None:
            return f"**No measured comparison**: {label(asked[0])} has no baseline row in the same experiment ({row['measured']['row_id']})."
        word = "Yes" if delta < 0 else "No"
        ids = row["delta_energy_vs_baseline"]["row_ids"]
        return (f"**{word}**: {label(asked[0])} uses {format_pct(delta)} energy per token vs {label(table['baseline'])} for "
                f"{comp['model']} on {comp['gpu']} at batch {comp['batch_size']} (measured, {_rows_text(ids)}).")
    return _batch_verdict(plan, [o for o in outcomes if o.ok and o.name == "lookup_measurement"])


def _batch_verdict(plan: Plan, lookups: list[Any]) -> str:
    rows = [r for o in lookups for r in o.data.get("rows", []) if r.get("energy_j_per_1k_tok") is not None]
    if len(plan.batch_sizes) < 2 or not rows:
        return ""
    small, large = min(plan.batch_sizes[:2]), max(plan.batch_sizes[:2])
    for exp in dict.fromkeys(r["experiment"] for r in rows):
        by_batch = {r["batch_size"]: r for r in rows if r["experiment"] == exp}
        if small in by_batch and large in by_batch:
            a, b = by_batch[small], by_batch[large]
            word = "Yes" if b["energy_j_per_1k_tok"] < a["energy_j_per_1k_tok"] else "No"
            return (f"**{word}**: batch {large} uses {format_number(b['energy_j_per_1k_tok'])} J per 1k tokens vs "
                    f"{format_number(a['energy_j_per_1k_tok'])} J at batch {small} (measured, one experiment {exp}, "
                    f"rows {b['row_id']}, {a['row_id']}).")
    return f"**Not measured**: no single experiment measures both batch {small} and batch {large}; the measured rows are below."


def _saving(plan: Plan, data: dict[str, Any]) -> str:
    if not data.get("tables") or len(plan.precisions) < 1:
        return ""
    table, rows = _baseline_rows(data)
    named = [p for p in plan.precisions if p in rows]
    base = table["baseline"]
    parts = []
    for p in named:
        delta = rows[p].get("delta_energy_vs_baseline")
        if delta and delta.get("pct") is not None and p != base:
            parts.append(f"{label(p)} uses {format_pct(delta['pct'])} energy per token vs {label(base)} ({_rows_text(delta['row_ids'])})")
    if not parts:
        return f"**Not measured**: the named precisions have no measured rows for {data['model']} on {data['gpu']}."
    switch = " -> ".join(label(p) for p in plan.precisions[:2])
    return f"**{switch}**: " + "; ".join(parts) + " (measured, one experiment)."


def _lookup(plan: Plan, lookups: list[Any]) -> str:
    rows = [r for o in lookups for r in o.data.get("rows", [])]
    field, word = ROW_FIELD.get(plan.asked.unit or "", ROW_FIELD["J/1k tok"])
    rows = [r for r in rows if r.get(field) is not None]
    if not rows:
        return ""
    first = min(rows, key=lambda r: (r["batch_size"] or 0))
    scope = f"{first['model']} on {first['gpu']}, {label(first['precision'])}, batch {first['batch_size']}"
    gpus = f" (all {first['num_gpus']} GPUs together)" if first.get("num_gpus", 1) > 1 else ""
    text = f"**{format_number(first[field])} {word}**{gpus} for {scope} (measured, row {first['row_id']})"
    if plan.asked.per_gpu and first.get("num_gpus", 1) > 1:
        text += "; the data records the total of all GPUs, not a per-GPU figure"
    if len(rows) > 1:
        text += f"; {len(rows) - 1} more measured row{'s' if len(rows) > 2 else ''} below"
    return text + "."
