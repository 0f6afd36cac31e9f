"""Template contexts for `lookup_measurement` answers: the measured rows asked for, grouped per experiment.

Like the other views (`*_view.py`), this only selects, groups and labels values from tool results; it
computes nothing. A lookup that matched no row becomes a "not measured" sentence with what the tool says
is covered.
"""

from __future__ import annotations

from typing import Any

from ecocompute.offline.compare_view import CROSS_REGIME
from ecocompute.offline.labels import label, regime
from ecocompute.prompting import format_number
from ecocompute.tools import evidence
from ecocompute.tools.engines import engine as engine_of

COVERED_SUFFIX = " measured for the other filters"


def lookup_context(results: list[tuple[dict[str, Any], dict[str, Any]]], asked: list[int]) -> dict[str, Any]:
    """The COMPARE-format context for (arguments, result) pairs of `lookup_measurement`."""
    rows = _unique_rows([r for _, data in results for r in data.get("rows", [])])
    tables = [_table(group) for group in _groups(rows)]
    first = results[0][0] if results else {}
    model = next((r["model"] for r in rows), None) or first.get("model") or "every measured model"
    gpus = sorted({r["gpu"] for r in rows}) or [str(a.get("gpu")) for a, _ in results]
    warnings = [w for _, data in results for w in data.get("warnings", [])]
    if len({t["engine"] for t in tables}) > 1:
        warnings.append(CROSS_REGIME)
    return {"model": f"{model}, measured rows (`lookup_measurement`)", "gpu": ", ".join(dict.fromkeys(gpus)),
            "batch_size": ", ".join(str(b) for b in asked) if asked else "every measured batch size",
            "tables": tables, "not_measured": [_missing(a, data) for a, data in results if not data.get("rows")],
            "recommendation": _recommendation(tables), "paradox_warnings": list(dict.fromkeys(warnings + _power_notes(tables))),
            "conflicts": [_conflict(c) for _, data in results for c in data.get("conflicts", [])][:8]}


def _unique_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({r["row_id"]: r for r in rows}.values())


def _groups(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """One group per experiment, engine, precision and GPU count: a batch sweep within one experiment."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["engine"], r["experiment"], r["gpu"], r["model"], r["precision"], r["num_gpus"]), []).append(r)
    return [sorted(g, key=lambda r: r["batch_size"] or 0) for g in groups.values()]


def _table(group: list[dict[str, Any]]) -> dict[str, Any]:
    first = group[0]
    serving = engine_of(first["engine"]).serving
    word = "max_num_seqs" if serving else "batch"
    rows = [{"label": f"{word} {r['batch_size']}", "precision": label(r["precision"]), "throughput_tok_s": r["throughput_tok_s"],
             "power_w": r["power_w"], "energy_j_per_1k_tok": r["energy_j_per_1k_tok"], "median_itl_ms": r.get("median_itl_ms"),
             "p99_itl_ms": r.get("p99_itl_ms"), "delta_energy_pct": None, "row_id": r["row_id"], "basis": r["basis"]} for r in group]
    gpus = (f", {first['num_gpus']} GPUs" + (f" with {first['parallel']}" if first.get("parallel") else "")
            + " (energy and power of all GPUs)") if first["num_gpus"] > 1 else ""
    return {"experiment": f"{first['model']} on {first['gpu']}, {label(first['precision'])}{gpus}: {first['experiment']}",
            "regime": regime(first), "energy_basis": first["energy_basis"], "engine": first["engine"], "rows": rows,
            "label_header": "max_num_seqs" if serving else "Batch size", "latency": serving, "show_delta": False}


def _missing(args: dict[str, Any], data: dict[str, Any]) -> str:
    asked = ", ".join(f"{k} {v}" for k, v in args.items() if v is not None)
    text = f"No measured row for {asked} (`lookup_measurement` returned none)"
    for key, values in (data.get("covered") or {}).items():
        if key.endswith(COVERED_SUFFIX):
            ordered = sorted(values, key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))
            text += f"; {key.removesuffix(COVERED_SUFFIX).replace('_', ' ')} measured for the other filters: {', '.join(ordered)}"
    return text + "."


def _best(table: dict[str, Any]) -> dict[str, Any] | None:
    rows = [r for r in table["rows"] if r["energy_j_per_1k_tok"] is not None]
    return min(rows, key=lambda r: r["energy_j_per_1k_tok"]) if rows else None


def _recommendation(tables: list[dict[str, Any]]) -> str:
    lines = []
    for t in tables:
        best = _best(t)
        if best and len(t["rows"]) > 1:
            lines.append(f"- {t['experiment']}: lowest measured energy per token at **{best['label']}** "
                         f"({format_number(best['energy_j_per_1k_tok'])} J per 1k tokens, row {best['row_id']}).")
    if not tables:
        return "Nothing measured for what was asked; see the note on what the data covers."
    if not lines:
        return "The measured rows are listed above; compare values only within one table (one experiment)."
    return "\n".join(lines + ["", "Energy per token is the measure that matters; compare values only within one table (one experiment)."])


def _power_notes(tables: list[dict[str, Any]]) -> list[str]:
    """The power paradox: where the lowest-energy row also draws the most power, say so (values from the rows)."""
    out = []
    for t in tables:
        best = _best(t)
        rows = [r for r in t["rows"] if r["power_w"] is not None and r["energy_j_per_1k_tok"] is not None]
        low = min(rows, key=lambda r: r["power_w"]) if rows else None
        if best and low and best["power_w"] is not None and low is not best and best["power_w"] > low["power_w"]:
            out.append(f"{evidence.TITLES['power']}: {best['label']} draws {format_number(best['power_w'])} W against "
                       f"{format_number(low['power_w'])} W at {low['label']}, yet uses the least energy per token "
                       f"({best['row_id']} vs {low['row_id']}): energy = power x time.")
    return out


def _conflict(c: dict[str, Any]) -> str:
    """Name the conflicting source row and the primary row it disagrees with; its values are not quoted as measured."""
    r = c["row"]
    where = f"{r['source'].get('path')}@{(r['source'].get('commit') or '')[:7]}"
    against = f"primary row {c['differs_from']}" if c.get("differs_from") else "the primary rows"
    return (f"{r['row_id']} ({r['role']} source {where}; {label(r['precision'])}, batch {r['batch_size']}) "
            f"disagrees with {against}: {c['note'][:200]}")
