"""Template contexts built from tool results: selecting and labelling values, never computing them."""

from __future__ import annotations

from typing import Any

from ecocompute.i18n import tr
from ecocompute.prompting import format_number, format_pct
from ecocompute.tools.engines import engine as engine_of

PRECISION_LABEL = {"fp16": "FP16", "bf16": "BF16", "fp8": "FP8", "fp32": "FP32", "nf4": "NF4", "nf4_dq": "NF4 + double quant",
                   "int8_default": "INT8 default (load_in_8bit=True, default threshold)",
                   "int8_pure": "INT8 with llm_int8_threshold=0.0", "int8_unspecified": "INT8 (threshold not stated)"}
PATTERN_TITLE = {"int8_decomposition": "INT8 mixed-precision decomposition (bitsandbytes default threshold)",
                 "small_model_nf4": "NF4 on a small model costs more energy than FP16",
                 "batch_one_in_production": "Batch size 1 in production leaves the GPU under-used",
                 "power_not_energy": "Lower power mistaken for lower energy",
                 "none": "No known energy-waste pattern matches these settings"}
CROSS_REGIME = ("These rows come from different engines / regimes (eager transformers vs vLLM serving at steady state). "
                "They are shown side by side with their regimes, but no ratio or \"cheaper\" is given: the experiments "
                "differ in engine, batching and energy accounting, so the numbers cannot be compared directly.")


def label(precision: str | None) -> str:
    return PRECISION_LABEL.get(precision or "", precision or "not set")


def figure(label_: str, value: Any, unit: str, basis: str, tool: str, rows: list[str]) -> dict[str, Any]:
    return {"label": label_, "value": value, "unit": unit, "basis": basis, "tool": tool, "rows": rows}


def regime(row: dict[str, Any] | None, engine: str = "transformers") -> str:
    if not row:
        return engine
    eng = row["engine"] + (f" {row['engine_version']}" if row.get("engine_version") else "")
    gpus = f", {row['num_gpus']} GPUs" if row.get("num_gpus", 1) > 1 else ""
    return f"{eng}, {row['regime'].replace('_', ' ')}{gpus}"


def row_figures(row: dict[str, Any], tool: str, prefix: str = "") -> list[dict[str, Any]]:
    ids = [row["row_id"]]
    serving = engine_of(row["engine"]).serving
    out = [figure(f"{prefix}Energy per 1k generated tokens", row["energy_j_per_1k_tok"], "J", row["basis"], tool, ids),
           figure(f"{prefix}Throughput", row["throughput_tok_s"], "tok/s", row["basis"], tool, ids),
           figure(f"{prefix}Power" + (" (all GPUs)" if serving else ""), row["power_w"], "W", row["basis"], tool, ids)]
    if serving:
        out += [figure(f"{prefix}Median inter-token latency", row.get("median_itl_ms"), "ms", row["basis"], tool, ids),
                figure(f"{prefix}p99 inter-token latency", row.get("p99_itl_ms"), "ms", row["basis"], tool, ids)]
    return [f for f in out if f["value"] is not None]


def _snippet(rec: dict[str, Any]) -> str | None:
    prec, batch, exp = rec.get("precision"), rec.get("batch_size"), rec.get("expected") or {}
    if prec is None or batch is None:
        return None
    if engine_of(rec["engine"]).serving:
        dtype = {"bf16": 'dtype="bfloat16"', "fp16": 'dtype="float16"', "fp8": 'quantization="fp8"'}.get(prec, f'dtype="{prec}"')
        if exp.get("parallel") and "EP1" not in exp["parallel"] and "EP" in exp["parallel"]:
            return (f'# measured on {exp.get("num_gpus")} GPUs with {exp["parallel"]} (expert parallel; the flags for it '
                    f'differ between vLLM versions)\nfrom vllm import LLM\nllm = LLM(model=model_id, {dtype}, max_num_seqs={batch})')
        return (f'from vllm import LLM\nllm = LLM(model=model_id, {dtype}, max_num_seqs={batch}, '
                f'tensor_parallel_size={exp.get("num_gpus", 1)})')
    load = {"fp16": "torch_dtype=torch.float16",
            "nf4": 'quantization_config=BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.float16)',
            "int8_pure": "quantization_config=BitsAndBytesConfig(load_in_8bit=True, llm_int8_threshold=0.0)"}.get(prec)
    if load is None:
        return None
    return (f"model = AutoModelForCausalLM.from_pretrained(model_id, {load}, device_map=\"cuda\")\n"
            f"# generate for {batch} prompt(s) per call: tokenizer(prompts, return_tensors=\"pt\", padding=True)")


def optimize_context(rec: dict[str, Any], args: dict[str, Any], lookup: Any, asked_gpus: int | None = None) -> dict[str, Any]:
    exp, serving = rec.get("expected"), rec.get("serving")
    figures = row_figures(exp, "recommend_config") if exp else []
    if serving:
        for n in serving.get("neighbours", []):
            figures.append(figure(f"Neighbour max_num_seqs {n['batch_size']}: energy per 1k tokens", n["energy_j_per_1k_tok"],
                                  "J", n["basis"], "recommend_config", [n["row_id"]]))
    elif exp and lookup is not None:
        figures += batch_sweep_figures(lookup.data, exp)
    warnings = list(rec.get("warnings", []))
    if asked_gpus and exp and exp.get("num_gpus") and asked_gpus != exp["num_gpus"]:
        warnings.append(f"You mentioned {asked_gpus} GPUs; the measured setting uses {exp['num_gpus']} GPUs ({exp['row_id']}), "
                        "so scale by measuring your own setup")
    reasons = [r["text"] for r in rec.get("reasons", [])]
    reasons += [f"Rule of the original skill '{c['rule']}': {c['verdict']}" for c in rec.get("rule_checks", []) if c.get("applies")]
    batch = rec.get("batch_size")
    batch_text = "none (see Warning)" if batch is None else (f"{engine_of(rec['engine']).batch_word} {batch}" if engine_of(rec["engine"]).serving else str(batch))
    return {"model": rec.get("model") or "the model", "gpu": rec["gpu"], "regime": regime(exp, rec["engine"]),
            "precision": label(rec.get("precision")) if rec.get("precision") else "none (does not fit; see Warning)",
            "batch_size": batch_text, "figures": figures, "reasons": reasons, "warnings": warnings,
            "use_case": rec.get("use_case"), "code": _snippet(rec)}


def batch_sweep_figures(lookup: dict[str, Any], exp: dict[str, Any]) -> list[dict[str, Any]]:
    """Energy per 1k tokens at each measured batch size of the recommended row's experiment and precision."""
    rows = [r for r in lookup.get("rows", []) if r["experiment"] == exp["experiment"] and r["precision"] == exp["precision"]
            and r["row_id"] != exp["row_id"] and r.get("energy_j_per_1k_tok") is not None]
    return [figure(f"Batch {r['batch_size']} ({label(r['precision'])}): energy per 1k tokens", r["energy_j_per_1k_tok"], "J",
                   r["basis"], "lookup_measurement", [r["row_id"]]) for r in sorted(rows, key=lambda r: r["batch_size"] or 0)]


def compare_context(data: dict[str, Any]) -> dict[str, Any]:
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


def _measured(table: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in table["rows"] if r.get("measured") and r["measured"].get("energy_j_per_1k_tok") is not None]


def _compare_recommendation(data: dict[str, Any]) -> str:
    if not data.get("tables"):
        return "Nothing measured for this model on this GPU; see what the tools cover."
    rows = _measured(data["tables"][0])
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
    out = []
    base = next((r["measured"] for r in table["rows"] if r["precision"] in ("fp16", "bf16") and r.get("measured")), None)
    for r in _measured(table):
        delta = (r.get("delta_energy_vs_baseline") or {}).get("pct")
        m = r["measured"]
        if delta is None or base is None:
            continue
        if r["precision"] == "int8_default" and delta > 0:
            out.append(f"INT8 paradox: {label('int8_default')} uses {format_pct(delta)} energy per token vs "
                       f"{label(base['precision'])} ({m['row_id']} vs {base['row_id']}): {r.get('quality_caveat') or 'mixed-precision decomposition'}.")
        if r["precision"] in ("nf4", "nf4_dq") and delta > 0:
            out.append(f"NF4 paradox: {label(r['precision'])} uses {format_pct(delta)} energy per token vs {label(base['precision'])} "
                       f"on this model ({m['row_id']} vs {base['row_id']}).")
        if m.get("power_w") and base.get("power_w") and m["power_w"] < base["power_w"] and delta > 0:
            out.append(f"Power is not energy: {label(r['precision'])} draws {format_number(m['power_w'])} W vs "
                       f"{format_number(base['power_w'])} W yet uses {format_pct(delta)} energy per token ({m['row_id']}).")
    return out


def compare_gpus_markdown(data: dict[str, Any], args: dict[str, Any], asked: list[str]) -> str:
    groups = [g for g in data.get("groups", []) if len({e["row"]["gpu"] for e in g["entries"]} & set(asked)) >= min(2, len(asked))]
    lines = [tr("## Comparison: {model} across {gpus}", model=data["model"], gpus=", ".join(asked)), ""]
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
    lines += ["## " + tr("Recommendation"), ""] + [f"- {r}" for r in recs or [tr("No measured comparison; see the rows that are not comparable.")]]
    warn = data.get("warnings", []) + [n for n in data.get("not_comparable", []) if n.split(" ")[0] in asked][:6]
    lines += ["", "## " + tr("Paradox Warnings"), ""] + [f"- {w}" for w in warn or [tr("None for this comparison.")]]
    return "\n".join(lines)


def cross_regime_heading(model: str, gpus: list[str]) -> str:
    return tr("## Comparison: {model} on {gpus} (different regimes)", model=model, gpus=", ".join(gpus))


def regime_rows_markdown(data: dict[str, Any]) -> str:
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


def estimate_context(data: dict[str, Any], rows: list[dict[str, Any]] | None = None,
                     claims: list[float] | None = None) -> tuple[dict[str, Any], list[str]]:
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


def tail_markdown(tail: dict[str, Any]) -> str:
    out = ""
    if tail["assumptions"]:
        out += "\n" + tr("**Assumptions:**") + " " + "; ".join(tail["assumptions"]) + ".\n"
    return out + "\n---\n" + tail["footer"] + "\n"


def diagnose_context(diag: dict[str, Any], comp: dict[str, Any] | None, symptoms: list[str]) -> dict[str, Any]:
    findings = [f for f in diag.get("findings", []) if _fits(f, symptoms)]
    diag = {**diag, "primary_pattern": findings[0]["pattern"] if findings else "none"}
    main = findings[0] if findings else None
    precision_of = _row_precisions(comp)
    evidence = _compare_evidence(comp)
    if diag.get("observed"):
        obs = diag["observed"]
        evidence.append(figure(f"Your observed energy per 1k tokens ({obs['formula']})", obs["energy_j_per_1k_tok"], "J",
                               obs["basis"], "diagnose", []))
    deltas = (main or {}).get("expected_improvement", [])[:6]
    improvement = [figure(_delta_label(d, precision_of), d["pct"], "% energy per token", d["basis"], "diagnose", d["row_ids"])
                   for d in deltas if d.get("pct") is not None and d["pct"] < 0]  # only a reduction is an improvement
    warnings = list(diag.get("warnings", []))
    warnings += [tr("Not an improvement: {change} changes energy per token by {pct} ({rows})", change=_delta_label(d, precision_of),
                    pct=format_pct(d["pct"]), rows=", ".join(d["row_ids"])) for d in deltas if d.get("pct") is not None and d["pct"] >= 0]
    warnings += [f"Also matched: {PATTERN_TITLE[f['pattern']]} ({f['confidence']} confidence). {f['explanation']}" for f in findings[1:]]
    ctx = {"symptoms": ", ".join(symptoms) or None,
           "diagnosis": PATTERN_TITLE[diag.get("primary_pattern", "none")],
           "confidence": main["confidence"] if main else "low",
           "explanation": f"{main['explanation']}\n\nFrom the data (`diagnose`): {main['evidence'].rstrip('.')}." if main else
           "The settings in the question match none of the known patterns (default INT8, NF4 on a small model, "
           "batch 1 in production, power mistaken for energy). Give the precision flags, batch size and use case for a closer look.",
           "evidence": evidence, "fix": FIXES.get(diag.get("primary_pattern", "none"), []),
           "improvement": improvement, "warnings": warnings, "code": main["fix"] if main else None}
    return ctx


FIXES = {
    "int8_decomposition": [
        "Set `llm_int8_threshold=0.0` in `BitsAndBytesConfig` (keeps INT8 memory savings, removes the mixed-precision "
        "decomposition). Accuracy caveat: outlier features are then quantised too, so check perplexity or task accuracy before deploying.",
        "Or load in FP16 (`torch_dtype=torch.float16`) if the weights fit in VRAM: no quantisation overhead, no accuracy risk.",
        "Or use NF4 (`load_in_4bit=True`, `bnb_4bit_quant_type=\"nf4\"`) where memory is the constraint and the model is large.",
    ],
    "small_model_nf4": ["Load the model in FP16 (`torch_dtype=torch.float16`): small models fit easily and skip the dequantisation cost."],
    "batch_one_in_production": ["Batch concurrent requests (pad a list of prompts into one `generate()` call), or serve with a "
                                "continuous-batching engine such as vLLM."],
    "power_not_energy": ["Judge configurations by energy per token (power divided by throughput), not by power draw alone."],
}


def _fits(finding: dict[str, Any], symptoms: list[str]) -> bool:
    """"Lower power mistaken for lower energy" fits only on evidence: measured pairs, or lower power reported."""
    return finding["pattern"] != "power_not_energy" or finding["confidence"] != "low" or "lower power" in symptoms


def _row_precisions(comp: dict[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in (comp or {}).get("tables", []):
        for r in t["rows"]:
            if r.get("measured"):
                out[r["measured"]["row_id"]] = r["precision"]
    return out


def _delta_label(delta: dict[str, Any], precision_of: dict[str, str]) -> str:
    new, old = (delta.get("row_ids") or [None, None])[:2]
    if new in precision_of and old in precision_of:
        return f"{label(precision_of[new])} vs {label(precision_of[old])}"
    return delta["formula"]


def _compare_evidence(comp: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not comp or not comp.get("tables"):
        return []
    t = comp["tables"][0]
    out = []
    for r in _measured(t):
        m = r["measured"]
        out.append(figure(f"{label(r['precision'])} on {comp['gpu']}, batch {comp['batch_size']}: energy per 1k tokens "
                          f"({_speed_power(m)})", m["energy_j_per_1k_tok"], "J", m["basis"],
                          "compare_precisions", [m["row_id"]]))
    return out


def _speed_power(m: dict[str, Any]) -> str:
    parts = [f"{m['throughput_tok_s']} tok/s" if m.get("throughput_tok_s") is not None else None,
             f"{m['power_w']} W" if m.get("power_w") is not None else "power not reported"]
    return " at ".join(p for p in parts if p)


def audit_context(data: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    found = _findings(data)
    def item(f: dict[str, Any]) -> dict[str, Any]:
        impact = f.get("impact")
        text = impact.get("statement") if isinstance(impact, dict) else impact
        tag = f"({f['severity']}) " if f.get("severity") not in (None, "critical", "warning") else ""
        return {"rule_id": f["rule_id"], "line": f.get("line", "?"), "message": tag + f.get("message", f.get("name", "")),
                "fix": f.get("fix", ""), "impact": text}
    critical = [item(f) for f in found if f.get("severity") == "critical"]
    warnings = [item(f) for f in found if f.get("severity") != "critical"]
    good = list(data.get("good_practices", []))
    changes = list(dict.fromkeys(f"{f['rule_id']} (line {f.get('line', '?')}): {f.get('fix', '').splitlines()[0] if f.get('fix') else ''}"
                                 for f in found))
    return {"target": args.get("filename") or args.get("path") or "code", "critical": critical, "warnings": warnings,
            "good_practices": good, "changes": changes}


def _findings(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if "rule_id" in node and "severity" in node:
            return [node]
        return [f for v in node.values() for f in _findings(v)]
    if isinstance(node, list):
        return [f for v in node for f in _findings(v)]
    return []
