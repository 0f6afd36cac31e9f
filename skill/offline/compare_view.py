"""The COMPARE answers: `compare_precisions` tables (with the paradoxes their rows show), `compare_gpus` groups and
rows of different regimes side by side.
"""

from __future__ import annotations

from typing import Any

from ecocompute.i18n import tr
from ecocompute.offline.labels import compare_headings, heading, label, regime
from ecocompute.prompting import format_number, format_pct
from ecocompute.tools import evidence

CROSS_REGIME = ("These rows come from different engines / regimes (eager transformers vs vLLM serving at steady state). "
                "They are shown side by side with their regimes, but no ratio or \"cheaper\" is given: the experiments "
                "differ in engine, batching and energy accounting, so the numbers cannot be compared directly.")


def compare_context(data: dict[str, Any]) -> dict[str, Any]:
    """The COMPARE template context of a `compare_precisions` result: one table per experiment, paradoxes."""
    tables, warnings = [], []
    for t in data.get("tables", []):
        rows = []
        for r in t["rows"]:
            m = r.get("measured") or {}
            delta = r.get("delta_energy_vs_baseline") or {}
            gpus = f" on {r['num_gpus']}×{data['gpu'].upper()} ({r.get('parallel')})" if t.get("gpu_counts") and r.get("num_gpus") else ""
            rows.append({"precision": label(r["precision"]) + gpus, "throughput_tok_s": m.get("throughput_tok_s"), "power_w": m.get("power_w"),
                         "energy_j_per_1k_tok": m.get("energy_j_per_1k_tok"), "delta_energy_pct": delta.get("pct"),
                         "row_id": m.get("row_id"), "basis": m.get("basis") or r["status"]})
        first = next((r["measured"] for r in t["rows"] if r.get("measured")), None)
        if t.get("gpu_counts"):  # the GPU count differs per row: said per row and in words, not in the header
            first = {**first, "num_gpus": 1}
        tables.append({"experiment": t["experiment"], "regime": regime(first, t["engine"]), "energy_basis": t["energy_basis"], "rows": rows})
        warnings += ([t["gpu_counts"]] if t.get("gpu_counts") else []) + _paradoxes(t)
    return {"model": data["model"], "gpu": data["gpu"], "batch_size": data["batch_size"], "tables": tables,
            "recommendation": _compare_recommendation(data), "paradox_warnings": list(dict.fromkeys(warnings + data.get("warnings", []))),
            "conflicts": data.get("conflicts", [])}


def absent_precisions(data: dict[str, Any], asked: list[str]) -> list[str]:
    """Precisions the question named that no table of the `compare_precisions` result measured."""
    measured = {r["precision"] for t in data.get("tables", []) for r in t["rows"] if r.get("measured")}
    return [f"{label(p)}: not measured for {data['model']} on {data['gpu']} at batch size {data['batch_size']} "
            f"(no {label(p)} row in the `compare_precisions` result), so it is not compared here"
            for p in asked if p not in measured]


def measured_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a `compare_precisions` table with a measured energy per token."""
    return [r for r in table["rows"] if r.get("measured") and r["measured"].get("energy_j_per_1k_tok") is not None]


def _compare_recommendation(data: dict[str, Any]) -> str:
    if not data.get("tables"):
        return "Nothing measured for this model on this GPU; see what the tools cover."
    rows = measured_rows(data["tables"][0])
    best = min(rows, key=lambda r: r["measured"]["energy_j_per_1k_tok"])
    m = best["measured"]
    text = (f"Lowest measured energy per token: **{label(best['precision'])}** ({format_number(m['energy_j_per_1k_tok'])} J per 1k "
            f"tokens, row {m['row_id']}, experiment {data['tables'][0]['experiment']}).")
    if best.get("quality_caveat") and best["precision"] not in ("fp16", "bf16"):
        text += f" Caveat: {best['quality_caveat']}."
    if best["precision"] == "int8_pure":
        safe = [r for r in rows if r["precision"] in ("fp16", "bf16", "nf4")]
        if safe:
            alt = min(safe, key=lambda r: r["measured"]["energy_j_per_1k_tok"])
            text += (f" Without the accuracy risk, the best is {label(alt['precision'])} "
                     f"({format_number(alt['measured']['energy_j_per_1k_tok'])} J per 1k tokens, row {alt['measured']['row_id']}).")
    return text + " Never use load_in_8bit=True with the default threshold for energy."


def _paradoxes(table: dict[str, Any]) -> list[str]:
    """A sentence per paradox a row of the table shows against its FP16/BF16 row (`evidence.row_paradoxes`)."""
    out = []
    base = next((r["measured"] for r in table["rows"] if r["precision"] in ("fp16", "bf16") and r.get("measured")), None)
    for r in measured_rows(table):
        delta = (r.get("delta_energy_vs_baseline") or {}).get("pct")
        if delta is None or base is None:
            continue
        m = r["measured"]
        out += [f"{evidence.TITLES[kind]}: {_paradox_text(kind, r, base, delta)}"
                for kind in evidence.row_paradoxes(r["precision"], delta, m.get("power_w"), base.get("power_w"))]
    return out


def _paradox_text(kind: evidence.Paradox, row: dict[str, Any], base: dict[str, Any], delta: float) -> str:
    m, prec = row["measured"], label(row["precision"])
    if kind == "int8":
        return (f"{prec} uses {format_pct(delta)} energy per token vs {label(base['precision'])} ({m['row_id']} vs "
                f"{base['row_id']}): {row.get('quality_caveat') or 'mixed-precision decomposition'}.")
    if kind == "nf4":
        return (f"{prec} uses {format_pct(delta)} energy per token vs {label(base['precision'])} on this model "
                f"({m['row_id']} vs {base['row_id']}).")
    return (f"{prec} draws {format_number(m['power_w'])} W vs {format_number(base['power_w'])} W yet uses "
            f"{format_pct(delta)} energy per token ({m['row_id']}).")


def compare_gpus_markdown(data: dict[str, Any], args: dict[str, Any], asked: list[str]) -> str:
    """The answer to a GPU comparison: a table per comparable group holding the asked GPUs."""
    groups = [g for g in data.get("groups", []) if len({e["row"]["gpu"] for e in g["entries"]} & set(asked)) >= min(2, len(asked))]
    comparison, recommendation, paradoxes = compare_headings()
    title = tr("{heading}: {model} across {gpus}", heading=tr(comparison.heading), model=data["model"], gpus=", ".join(asked))
    lines = [heading(comparison, title), ""]
    recs = []
    for g in groups[:4]:
        entries = [e for e in g["entries"] if e["row"]["gpu"] in asked]
        head = f"{g['engine']} {g.get('engine_version') or ''}".strip()
        lines += [f"### {head}, {label(g['precision'])}, batch {g['batch_size']} (dataset {g['dataset']}, energy {g['energy_basis']})", "",
                  "| GPU | GPUs | Energy (J/1k tok) | per GPU | Throughput (tok/s) | Power (W) | Median ITL (ms) | p99 ITL (ms) | vs lowest in group | Row |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for e in entries:
            r = e["row"]
            cells = [r["gpu"], r["num_gpus"], r["energy_j_per_1k_tok"], e["energy_j_per_1k_tok_per_gpu"], r["throughput_tok_s"],
                     r["power_w"], r.get("median_itl_ms"), r.get("p99_itl_ms"), e["energy_vs_lowest"], r["row_id"]]
            lines.append("| " + " | ".join(format_number(c) for c in cells) + " |")
        lines.append("")
        best = entries[0]["row"]
        recs.append(f"{head} {label(g['precision'])} batch {g['batch_size']}: lowest energy per token on {best['gpu']} "
                    f"({best['num_gpus']} GPUs, {format_number(best['energy_j_per_1k_tok'])} J per 1k tokens, {best['row_id']}).")
    if not groups:
        lines += [tr("No group of comparable rows (same dataset, engine, energy basis, precision and batch) holds these GPUs."), ""]
    lines += [heading(recommendation), ""] + [f"- {r}" for r in recs or [tr("No measured comparison; see the rows that are not comparable.")]]
    warn = data.get("warnings", []) + [n for n in data.get("not_comparable", []) if n.split(" ")[0] in asked][:6]
    lines += ["", heading(paradoxes), ""] + [f"- {w}" for w in warn or [tr("None for this comparison.")]]
    return "\n".join(lines)


def cross_regime_heading(model: str, gpus: list[str]) -> str:
    """The comparison heading for rows of different regimes shown side by side."""
    comparison = compare_headings()[0]
    return heading(comparison, tr("{heading}: {model} on {gpus} (different regimes)", heading=tr(comparison.heading),
                                  model=model, gpus=", ".join(gpus)))


def regime_rows_markdown(data: dict[str, Any]) -> str:
    """A `lookup_measurement` result as a table of its rows with their regimes (the first six)."""
    rows = data.get("rows", [])[:6]
    q = data.get("query", {})
    lines = [f"### {q.get('model') or q.get('model_given')} on {q.get('gpu')}", ""]
    if not rows:
        return "\n".join(lines + ["Not measured.", ""])
    lines += ["| Regime | Precision | Batch | Energy (J/1k tok) | Throughput (tok/s) | Power (W) | Row |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        cells = [regime(r), label(r["precision"]), r["batch_size"], r["energy_j_per_1k_tok"], r["throughput_tok_s"], r["power_w"], r["row_id"]]
        lines.append("| " + " | ".join(format_number(c) for c in cells) + " |")
    return "\n".join(lines)
