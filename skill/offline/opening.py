"""The answer's first one or two sentences: the asked quantity in the asked unit (or yes/no, or "not measured"
with the nearest evidence labelled), with the rows it rests on. Values are selected from tool results, never
computed here; unit conversions (per day/year, per request, g CO2) come from the tools.
"""

from __future__ import annotations

import re
from typing import Any

from ecocompute.i18n import N_, tr
from ecocompute.offline.plan import Plan
from ecocompute.offline.labels import label
from ecocompute.prompting import format_number, format_pct

ROW_FIELD = {"J/1k tok": ("energy_j_per_1k_tok", N_("J per 1k tokens")), "tok/s": ("throughput_tok_s", N_("tok/s")),
             "W": ("power_w", N_("W")), "ms": ("p99_itl_ms", N_("ms p99 inter-token latency")),
             "J/request": ("energy_j_per_request", N_("J per request"))}
ESTIMATE_KEY = {"kWh": ("kwh", "kWh"), "USD": ("cost_usd", "USD"), "kg CO2": ("kg_co2", "kg CO2")}
PERIOD_WORD = {"day": N_("per day"), "month": N_("per month"), "year": N_("per year"), "total": N_("in total")}


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
        found = _lookup(plan, [o for o in outcomes if o.ok and o.name == "lookup_measurement"])
        empty = any(o.ok and o.name == "lookup_measurement" and not o.data.get("rows") for o in outcomes)
        lines.append(tr("Nearest measured evidence: {text}", text=found) if found and empty else found)
    return [line for line in lines if line]


def _coverage(plan: Plan, outcomes: list[Any]) -> list[str]:
    out = [tr("**{method} is not measured** in the dataset: no row uses it, so no {method} figure is given; what follows is the "
             "nearest measured evidence, labelled as such.", method=m) for m in plan.methods]
    for o in outcomes:
        if not o.ok and o.error:
            named = re.match(r"Unknown (GPU|model) '([^']+)'", o.error)
            if named:
                out.append(tr("**{name} is not measured**: it is not in the {kind} data, so nothing is substituted for it (see the "
                             "tool's message below for what is covered).", name=named.group(2), kind=named.group(1)))
            else:
                out.append(tr("**The question cannot be answered as asked**: `{tool}` rejected the input ({error}).",
                             tool=o.name, error=o.error.rstrip(".")))
        elif o.ok and o.name == "lookup_measurement" and not o.data.get("rows"):
            q = o.data.get("query", {})
            covered = (o.data.get("covered") or {}).get("gpus measured for the other filters")
            where = tr("; measured GPUs for these filters: {gpus}", gpus=", ".join(covered)) if covered else ""
            at = tr(" at {precision}", precision=label(q["precision"])) if q.get("precision") else ""
            at += tr(", batch {batch}", batch=q["batch_size"]) if q.get("batch_size") is not None else ""
            out.append(tr("**Not measured**: no row for {model} on {gpu}{at}{where}.", model=q.get("model") or tr("this model"),
                         gpu=q.get("gpu"), at=at, where=where))
    return list(dict.fromkeys(out))


def _rows_text(ids: list[str]) -> str:
    return (tr("rows {ids}") if len(ids) > 1 else tr("row {ids}")).format(ids=", ".join(ids))


def _estimate(plan: Plan, data: dict[str, Any]) -> str:
    cur, inputs = data["current"], data["inputs"]
    where = tr("{model} on {gpu}, {precision}, batch {batch} ({basis}, {rows})", model=cur["model"], gpu=cur["gpu"],
              precision=label(cur["precision"]), batch=cur["batch_size"], basis=cur["basis"], rows=_rows_text(cur["row_ids"]))
    unit = plan.asked.unit
    if unit == "g CO2/request" and cur.get("g_co2_per_request") is not None:
        return tr("**{value} g CO2 per request** for {where}.", value=format_number(cur["g_co2_per_request"]), where=where)
    if unit == "J/request" and cur.get("energy_j_per_request") is not None:
        return tr("**{value} J per request** at {tokens} generated tokens per request for {where}.",
                 value=format_number(cur["energy_j_per_request"]), tokens=format_number(inputs["tokens_per_request"]), where=where)
    period = "total" if inputs.get("period") == "total" else (plan.asked.period if plan.asked.period in ("day", "year") else "month")
    keys = [ESTIMATE_KEY[unit]] if unit in ESTIMATE_KEY else list(ESTIMATE_KEY.values())
    parts = []
    for key, word in keys:
        field = f"{key}_total" if period == "total" else f"{key}_per_{period}"
        if cur.get(field) is not None:
            parts.append(f"${format_number(cur[field])} USD" if key == "cost_usd" else f"{format_number(cur[field])} {word}")
    if not parts:
        return tr("No estimate in the asked unit: the tool returned none for {where}.", where=where)
    text = tr("**{values} {period}** for {where}", values=" / ".join(parts), period=tr(PERIOD_WORD[period]), where=where)
    saving, opt = data.get("savings"), data.get("optimised")
    if plan.kind == "SAVING" and opt and not saving:
        text += tr("; {precision}, batch {batch} shows no saving over it in the data (see the warnings)",
                   precision=label(opt["precision"]), batch=opt["batch_size"])
    if plan.kind == "SAVING" and opt and saving:
        text += (tr("; {precision}, batch {batch} would save {kwh} kWh", precision=label(opt["precision"]), batch=opt["batch_size"],
                    kwh=format_number(saving["kwh_per_month"]))
                 + (tr(" and ${usd}", usd=format_number(saving["cost_usd_per_month"])) if saving.get("cost_usd_per_month") is not None else "")
                 + (tr(" for the job") if period == "total" else tr(" per month")))
    return text + tr(".")


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
            return tr("**Not measured**: no {precision} row for {model} on {gpu} at batch {batch}, so there is no measured yes or no; "
                     "the measured precisions are below.", precision=label(asked[0]), model=comp["model"], gpu=comp["gpu"], batch=comp["batch_size"])
        delta = (row.get("delta_energy_vs_baseline") or {}).get("pct")
        if delta is None:
            return tr("**No measured comparison**: {precision} has no baseline row in the same experiment ({row}).",
                     precision=label(asked[0]), row=row["measured"]["row_id"])
        word = tr("Yes") if delta < 0 else tr("No")
        ids = row["delta_energy_vs_baseline"]["row_ids"]
        return tr("**{word}**: {precision} uses {delta} energy per token vs {baseline} for {model} on {gpu} at batch {batch} "
                 "(measured, {rows}).", word=word, precision=label(asked[0]), delta=format_pct(delta), baseline=label(table["baseline"]),
                 model=comp["model"], gpu=comp["gpu"], batch=comp["batch_size"], rows=_rows_text(ids))
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
            word = tr("Yes") if b["energy_j_per_1k_tok"] < a["energy_j_per_1k_tok"] else tr("No")
            return tr("**{word}**: batch {large} uses {b} J per 1k tokens vs {a} J at batch {small} (measured, one experiment {exp}, "
                     "rows {rb}, {ra}).", word=word, large=large, small=small, b=format_number(b["energy_j_per_1k_tok"]),
                     a=format_number(a["energy_j_per_1k_tok"]), exp=exp, rb=b["row_id"], ra=a["row_id"])
    return tr("**Not measured**: no single experiment measures both batch {small} and batch {large}; the measured rows are below.",
             small=small, large=large)


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
            parts.append(tr("{precision} uses {delta} energy per token vs {baseline} ({rows})", precision=label(p),
                           delta=format_pct(delta["pct"]), baseline=label(base), rows=_rows_text(delta["row_ids"])))
    if not parts:
        return tr("**Not measured**: the named precisions have no measured rows for {model} on {gpu}.", model=data["model"], gpu=data["gpu"])
    switch = " -> ".join(label(p) for p in plan.precisions[:2])
    return f"**{switch}**: " + "; ".join(parts) + tr(" (measured, one experiment).")


def _lookup(plan: Plan, lookups: list[Any]) -> str:
    rows = [r for o in lookups for r in o.data.get("rows", [])]
    field, word = ROW_FIELD.get(plan.asked.unit or "", ROW_FIELD["J/1k tok"])
    rows = [r for r in rows if r.get(field) is not None]
    if not rows:
        return ""
    first = min(rows, key=lambda r: (r["batch_size"] or 0))
    gpus = tr(" (all {n} GPUs together)", n=first["num_gpus"]) if first.get("num_gpus", 1) > 1 else ""
    text = tr("**{value} {unit}**{gpus} for {model} on {gpu}, {precision}, batch {batch} (measured, row {row})",
             value=format_number(first[field]), unit=tr(word), gpus=gpus, model=first["model"], gpu=first["gpu"],
             precision=label(first["precision"]), batch=first["batch_size"], row=first["row_id"])
    if plan.asked.per_gpu and first.get("num_gpus", 1) > 1:
        text += tr("; the data records the total of all GPUs, not a per-GPU figure")
    if len(rows) > 1:
        text += tr("; more measured rows below")
    return text + tr(".")
