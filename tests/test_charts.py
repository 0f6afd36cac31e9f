"""Charts read tool results as typed results: every plotted value is one the tool returned."""

from __future__ import annotations

from ecocompute.loop import run_agent
from ecocompute.offline.charts import series, svg, text_bars
from ecocompute.providers.scripted import ScriptedModel, step
from ecocompute.registry import TOOLS, run_tool

COMPARE = {"gpu": "rtx5090", "model": "Qwen2-1.5B"}
SWEEP = {"gpu": "a800", "model": "Mistral-7B", "precision": "int8_pure"}
GPUS = {"model": "Llama-3.1-8B", "engine": "vllm", "gpus": ["h100", "b200"]}


def test_series_come_from_the_typed_results_of_the_transcript() -> None:
    model = ScriptedModel([step("", ("compare_precisions", COMPARE), ("lookup_measurement", SWEEP),
                                ("compare_gpus", GPUS)), step("Done.")])
    transcript = run_agent(model, "Compare.", system="S", tools=list(TOOLS))
    charts = series(transcript)
    returned = set()
    for name, args in (("compare_precisions", COMPARE), ("lookup_measurement", SWEEP), ("compare_gpus", GPUS)):
        text = run_tool(name, args).as_text()
        returned |= {float(tok) for tok in text.replace(",", " ").replace(":", " ").split()
                     if tok.replace(".", "", 1).isdigit()}
    assert charts and all(len(s.points) >= 2 for s in charts)
    assert all(value in returned for s in charts for _, value in s.points)
    assert any("by batch" in s.title for s in charts)  # the batch word comes from the engines table
    assert "<svg" in svg(charts) and charts[0].title in text_bars(charts[0])
