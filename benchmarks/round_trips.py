"""Model round trips per answer, per protocol: the offline engine, and the scripted model.

The scripted model replays, in one parallel turn, the tool calls the offline planner chose for the
question, then answers: its count is the floor of a grounded answer (one tool turn + the answer),
and the run checks that the loop adds no extra request. The offline engine's count is measured.
"""

from __future__ import annotations

from typing import Any

from benchmarks.report import Row

QUESTIONS = {
    "OPTIMIZE": "What precision and batch size should I use for Mistral-7B on an RTX 4090D serving an API?",
    "DIAGNOSE": "Mistral-7B with load_in_8bit=True on an rtx4090d is slow and power hungry. Why?",
    "COMPARE": "Compare FP16, NF4 and INT8 for Qwen2-1.5B on rtx4090d.",
    "ESTIMATE": "Estimate the monthly energy, cost and CO2 of 1,000,000 requests of 256 tokens with "
                "Mistral-7B on rtx4090d.",
    "AUDIT": "Audit this code:\n```python\nfrom transformers import AutoModelForCausalLM\n"
             "m = AutoModelForCausalLM.from_pretrained('mistralai/Mistral-7B-v0.1', load_in_8bit=True)\n```",
}


def _summary(transcript: Any) -> str:
    errors = sum(run.result.is_error for run in transcript.tool_runs)
    return (f"{len(transcript.turns)} round trips, {len(transcript.tool_runs)} tool calls "
            f"({errors} errors), {transcript.seconds * 1000:.1f} ms")


def _offline(question: str) -> tuple[int | None, str]:
    from ecocompute.loop import run_agent
    from ecocompute.messages import ModelError
    from ecocompute.prompting import system_prompt
    from ecocompute.providers.base import make_model

    try:
        model = make_model("offline")
        transcript = run_agent(model, question, system=system_prompt())
    except ModelError as exc:
        return None, f"not measured: {exc}"
    return len(transcript.turns), _summary(transcript)


def _scripted(question: str) -> tuple[int | None, str]:
    from ecocompute.loop import run_agent
    from ecocompute.providers.scripted import ScriptedModel, step

    try:
        from ecocompute.offline.parse import parse
        from ecocompute.offline.plan import plan
    except ImportError as exc:
        return None, f"not measured: the offline planner is not importable ({exc})"
    calls = [(call.name, call.arguments) for call in plan(parse(question)).calls]
    model = ScriptedModel([step("", *calls), step("Scripted answer.")])
    transcript = run_agent(model, question, system="")
    return len(transcript.turns), _summary(transcript) + f"; planner calls: {', '.join(c[0] for c in calls)}"


def run() -> tuple[list[Row], list[str]]:
    rows, details = [], ["### Model round trips per answer", ""]
    for protocol, question in QUESTIONS.items():
        for label, measure in (("offline", _offline), ("scripted", _scripted)):
            count, summary = measure(question)
            rows.append(Row(f"round trips: {protocol} ({label})",
                            "not measured" if count is None else str(count), note=summary))
            details.append(f"- {protocol} / {label}: {summary}")
    details.append("")
    return rows, details
