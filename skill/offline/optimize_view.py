"""The OPTIMIZE answer's template context from `recommend_config` (and the batch sweep `lookup_measurement` returned).
"""

from __future__ import annotations

from typing import Any

from ecocompute.offline.labels import figure, label, regime, row_figures
from ecocompute.tools.engines import engine as engine_of


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
    """The OPTIMIZE template context from a `recommend_config` result, with neighbours or the batch sweep."""
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
