"""Per-tool latency through `run_tool` (validation, tool, result dump): median and p99."""

from __future__ import annotations

from time import perf_counter

from benchmarks.report import Row, median, percentile

AUDIT_SNIPPET = (
    "from transformers import AutoModelForCausalLM, BitsAndBytesConfig\n"
    "cfg = BitsAndBytesConfig(load_in_8bit=True)\n"
    "model = AutoModelForCausalLM.from_pretrained('mistralai/Mistral-7B-v0.1', quantization_config=cfg)\n"
    "for prompt in prompts:\n"
    "    out = model.generate(**tok(prompt, return_tensors='pt'), max_new_tokens=64)\n"
)


def run(calls: int = 2000) -> tuple[list[Row], list[str]]:
    from ecocompute.examples import EXAMPLES
    from ecocompute.registry import TOOLS, run_tool

    arguments = {**EXAMPLES, "audit_code": {"source": AUDIT_SNIPPET, "filename": "inference.py"}}

    rows, details = [], ["### Tool latency", "", f"- {calls} calls per tool via `run_tool` after one warm-up call", ""]
    for spec in TOOLS:
        args = arguments.get(spec.name)
        if args is None:
            rows.append(Row(f"tool latency: {spec.name}", "not measured", note="no benchmark arguments defined"))
            continue
        first = run_tool(spec.name, args)
        samples = []
        for _ in range(calls):
            start = perf_counter()
            run_tool(spec.name, args)
            samples.append(perf_counter() - start)
        status = f"error: {first.error}" if first.is_error else "ok"
        rows.append(Row(f"tool latency: {spec.name}",
                        f"median {median(samples) * 1e3:.3f} ms, p99 {percentile(samples, 99) * 1e3:.3f} ms",
                        note=f"{calls} calls; result {status}"))
    return rows, details
