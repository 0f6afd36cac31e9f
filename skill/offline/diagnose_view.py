"""The DIAGNOSE answer's template context from `diagnose` (and the `compare_precisions` rows behind it).
"""

from __future__ import annotations

from typing import Any

from ecocompute.i18n import tr
from ecocompute.offline.compare_view import measured_rows
from ecocompute.offline.labels import figure, label
from ecocompute.prompting import format_pct

PATTERN_TITLE = {"int8_decomposition": "INT8 mixed-precision decomposition (bitsandbytes default threshold)",
                 "small_model_nf4": "NF4 on a small model costs more energy than FP16",
                 "batch_one_in_production": "Batch size 1 in production leaves the GPU under-used",
                 "power_not_energy": "Lower power mistaken for lower energy",
                 "none": "No known energy-waste pattern matches these settings"}


def diagnose_context(diag: dict[str, Any], comp: dict[str, Any] | None, symptoms: list[str]) -> dict[str, Any]:
    """The DIAGNOSE template context: the first pattern that fits, its evidence rows, fixes and improvements."""
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
    for r in measured_rows(t):
        m = r["measured"]
        out.append(figure(f"{label(r['precision'])} on {comp['gpu']}, batch {comp['batch_size']}: energy per 1k tokens "
                          f"({_speed_power(m)})", m["energy_j_per_1k_tok"], "J", m["basis"],
                          "compare_precisions", [m["row_id"]]))
    return out


def _speed_power(m: dict[str, Any]) -> str:
    parts = [f"{m['throughput_tok_s']} tok/s" if m.get("throughput_tok_s") is not None else None,
             f"{m['power_w']} W" if m.get("power_w") is not None else "power not reported"]
    return " at ".join(p for p in parts if p)
