"""Rich rendering of tool results for the friendly subcommands (imported only for human output).

Every value from a result passes `ecocompute.console.sanitize` (markup escaped) before it is printed:
results echo user input (names, warnings), and a table cell or a line is rich markup.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from ecocompute.console import make_console, sanitize
from ecocompute.tools.engines import engine as engine_of

console: Console = make_console()


def _safe(value: Any) -> Any:
    """The result with every string sanitised and markup-escaped (numbers and structure unchanged)."""
    if isinstance(value, str):
        return sanitize(value, markup=True)
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def _n(value: Any, std: Any = None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return f"{text} ± {std:g}" if std is not None else text


def _src(row: dict[str, Any]) -> str:
    s = row["source"]
    return f"{s['repo'].split('/')[-1]}:{s['path'].split('/')[-1]}@{s['commit'][:7]}"


def _rows_table(title: str, rows: list[dict[str, Any]]) -> Table:
    t = Table(title=title, show_lines=False)
    for col in ("row", "gpu", "model", "prec.", "batch", "tok/s", "W", "J/1k tok", "n", "basis"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(r["row_id"], f"{r['gpu']}" + (f" x{r['num_gpus']}" if r["num_gpus"] > 1 else ""), r["model"], r["precision"],
                  _n(r["batch_size"]), _n(r["throughput_tok_s"], r["throughput_std"]),
                  _n(r["power_w"], r["power_std"]), _n(r["energy_j_per_1k_tok"], r["energy_std"]), _n(r["n_runs"]),
                  r["energy_basis"])
    return t


def _sources(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        s = r["source"]
        par = f" · {r['num_gpus']} GPU(s), {r['parallel']}" if r.get("parallel") else ""
        console.print(f"  {r['row_id']}: {r['engine']} {r['engine_version'] or ''}{par} · experiment {r['experiment']} · "
                      f"{s['repo']} {s['path']}@{s['commit'][:7]} ({s['section'][:60]})", highlight=False)


def _notes(result: dict[str, Any]) -> None:
    for w in result.get("warnings", []):
        console.print(f"[yellow]warning:[/] {w}")
    if result.get("covered"):
        console.print("[bold]Not measured.[/] What the data covers:")
        for k, v in result["covered"].items():
            console.print(f"  {k}: {', '.join(v)}")


def _lookup(r: dict[str, Any]) -> None:
    console.print(f"basis: [bold]{r['basis']}[/]  ({r['total_rows']} primary rows)")
    if r["rows"]:
        console.print(_rows_table("Measured rows (primary sources)", r["rows"]))
        _sources(r["rows"])
    if r["conflicts"]:
        console.print(_rows_table("Other sources for the same configurations (conflicts)", [c["row"] for c in r["conflicts"]]))
        for c in r["conflicts"]:
            console.print(f"  {c['row']['row_id']} vs {c['differs_from']}: energy ratio {_n(c['energy_ratio_to_primary'])} — {c['note']}")
    _notes(r)


def _compare(r: dict[str, Any]) -> None:
    console.print(f"[bold]{r['model']} on {r['gpu']}, batch {r['batch_size']}[/]  basis: {r['basis']}")
    for tab in r["tables"]:
        t = Table(title=f"experiment {tab['experiment']} ({tab['engine']}, energy {tab['energy_basis']}; baseline {tab['baseline']})")
        for col in ("precision", "row", "tok/s", "W", "J/1k tok", "Δ energy", "Δ tok/s", "weights GB"):
            t.add_column(col, overflow="fold")
        for row in tab["rows"]:
            m = row["measured"] or {}
            de, dt = row["delta_energy_vs_baseline"], row["delta_throughput_vs_baseline"]
            gpus = f" on {row['num_gpus']}x {r['gpu']}" if row.get("num_gpus") and tab.get("gpu_counts") else ""
            t.add_row(row["precision"] + gpus, m.get("row_id", row["status"]), _n(m.get("throughput_tok_s")), _n(m.get("power_w")),
                      _n(m.get("energy_j_per_1k_tok")), f"{de['pct']:+.1f}%" if de else "—", f"{dt['pct']:+.1f}%" if dt else "—",
                      _n(row["weight_memory"]["gb"]) if row["weight_memory"] else "—")
        console.print(t)
        if tab.get("gpu_counts"):
            console.print(tab["gpu_counts"], highlight=False)
        _sources([row["measured"] for row in tab["rows"] if row["measured"]])
        for row in tab["rows"]:
            if row["quality_caveat"]:
                console.print(f"  {row['precision']}: {row['quality_caveat']}", highlight=False)
    for c in r["conflicts"]:
        console.print(f"[magenta]conflict:[/] {c}")
    _notes(r)


def _estimate(r: dict[str, Any]) -> None:
    console.print(f"[bold]Formula[/]: {r['formula']}")
    console.print("[bold]Inputs[/]: " + ", ".join(f"{k}={v}" for k, v in r["inputs"].items() if not k.endswith("_source")))
    console.print(r["location"]["statement"], highlight=False)
    t = Table(title="Monthly estimate")
    for col in ("", "precision", "batch", "basis", "J/1k tok", "J/request", "kWh/month", "USD/month", "kg CO2/month"):
        t.add_column(col, overflow="fold")
    for label in ("current", "optimised"):
        c = r[label]
        if c:
            t.add_row(label, c["precision"] or "—", _n(c["batch_size"]), c["basis"], _n(c["energy_j_per_1k_tok"]), _n(c["energy_j_per_request"]),
                      _n(c["kwh_per_month"]), _n(c["cost_usd_per_month"]), _n(c["kg_co2_per_month"]))
    console.print(t)
    for label in ("current", "optimised"):
        if r[label]:
            console.print(f"  {label}: {r[label]['how']} \\[rows {', '.join(r[label]['row_ids'])}]", highlight=False)
    if r["savings"]:
        s = r["savings"]
        console.print(f"[green]Savings[/]: {_n(s['kwh_per_month'])} kWh, {_n(s['cost_usd_per_month'])} USD, {_n(s['kg_co2_per_month'])} kg CO2 per month"
                      + (f" ({s['pct']:+.1f}%)" if s["pct"] is not None else "") + f" — {s['note']}")
    for a in r["assumptions"]:
        console.print(f"assumption: {a}")
    _notes(r)


def _recommend(r: dict[str, Any]) -> None:
    console.print(f"[bold]Recommended[/]: precision [bold]{r['precision']}[/], "
                  + (engine_of(r["engine"]).batch_word if engine_of(r["engine"]).serving else "batch size") + f" [bold]{r['batch_size']}[/] ({r['engine']}; basis {r['basis']})")
    for reason in r["reasons"]:
        console.print(f"  • {reason['text']}")
    for c in r["rule_checks"]:
        console.print(f"  rule '{c['rule']}': {c['verdict']}")
    if r.get("expected"):
        console.print(_rows_table("Measured row for this configuration", [r["expected"]]))
    if r.get("serving") and r["serving"]["neighbours"]:
        console.print(_rows_table("Neighbouring settings", r["serving"]["neighbours"]))
    console.print(f"rows: {', '.join(r['row_ids'])}")
    _notes(r)


def _diagnose(r: dict[str, Any]) -> None:
    console.print(f"[bold]Diagnosis[/]: {r['primary_pattern']}  (precision {r['effective_precision']})")
    for f in r["findings"]:
        console.print(f"\n[bold]{f['pattern']}[/] ({f['confidence']} confidence): {f['explanation']}")
        console.print(f"  evidence: {f['evidence']}  \\[rows {', '.join(f['evidence_rows'][:12])}]")
        for d in f["expected_improvement"]:
            console.print(f"  expected: {d['pct']:+.1f}% energy per token ({d['formula']})")
        console.print(f"  fix:\n{f['fix']}")
    if r["observed"]:
        console.print(f"observed energy: {r['observed']['energy_j_per_1k_tok']} J/1k tokens ({r['observed']['formula']})")
    _notes(r)


def _gpus(r: dict[str, Any]) -> None:
    for g in r["groups"]:
        t = Table(title=f"{r['model']}: {g['dataset']} {g['engine']} {g['engine_version'] or ''} {g['precision']} batch {g['batch_size']}")
        for col in ("gpu", "row", "J/1k tok (all GPUs)", "J/1k per GPU", "W per GPU", "tok/s", "p99 ITL ms", "vs lowest"):
            t.add_column(col)
        for e in g["entries"]:
            row = e["row"]
            t.add_row(f"{row['num_gpus']}x {row['gpu']}", row["row_id"], _n(row["energy_j_per_1k_tok"]), _n(e["energy_j_per_1k_tok_per_gpu"]),
                      _n(e["power_w_per_gpu"]), _n(row["throughput_tok_s"]), _n(row["p99_itl_ms"]), f"{e['energy_vs_lowest']:.3f}x")
        console.print(t)
    for s in r["not_comparable"]:
        console.print(f"not comparable: {s}")
    _notes(r)


RENDERERS = {"lookup_measurement": _lookup, "compare_precisions": _compare, "estimate_cost": _estimate,
             "recommend_config": _recommend, "diagnose": _diagnose, "compare_gpus": _gpus}


def show(tool: str, result: dict[str, Any]) -> None:
    global console
    console = make_console()  # per call: the stream may have changed (tests, redirection)
    RENDERERS[tool](_safe(result))
