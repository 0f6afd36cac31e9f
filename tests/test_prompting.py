"""Prompt assembly: the jinja environment, the references, the system prompt and the output formats."""

from __future__ import annotations

import re
from typing import Any

import jinja2
import pytest
from snapshots import assert_snapshot

from ecocompute import prompting
from ecocompute.protocols import PROTOCOLS
from ecocompute.registry import tool_names
from ecocompute.tools import evidence
from ecocompute.tools.dataset import load

REFERENCES = ("mechanisms", "methodology", "hardware", "decision_guide", "data_conflicts", "serving")


# Placeholder contexts for the output formats: synthetic values, not measurements.
def _figure(label: str, value: float | None) -> dict[str, Any]:
    return {"label": label, "value": value, "unit": "J/1k tok", "basis": "measured",
            "tool": "lookup_measurement", "rows": ["R1"] if value is not None else []}


FORMAT_CONTEXTS: dict[str, dict[str, Any]] = {
    "format_optimize.md.j2": {
        "model": "ModelX", "gpu": "gpuX", "regime": "transformers eager", "precision": "FP16",
        "batch_size": 8, "figures": [_figure("Energy at batch 8", 1111.0)],
        "reasons": ["One pass over the weights serves the whole batch."], "warnings": [],
        "use_case": "batch summarisation", "code": "model = load_model()",
        "assumptions": ["tokens per request taken from the tool default"], "footer": "Footer line.",
    },
    "format_diagnose.md.j2": {
        "diagnosis": "INT8 mixed-precision decomposition", "confidence": "high",
        "explanation": "Every matmul is split in two.", "evidence": [_figure("Default INT8", 2222.0)],
        "fix": ["Load in FP16."], "improvement": [], "symptoms": "power is low but bills are high",
    },
    "format_compare.md.j2": {
        "model": "ModelX", "gpu": "gpuX", "batch_size": 1,
        "tables": [{"experiment": "exp-a", "regime": "transformers eager", "energy_basis": "gross", "rows": [
            {"precision": "fp16", "throughput_tok_s": 10.0, "power_w": 100.0, "energy_j_per_1k_tok": 1000.0,
             "delta_energy_pct": None, "row_id": "R1", "basis": "measured"},
            {"precision": "int8_default", "throughput_tok_s": 5.0, "power_w": None,
             "energy_j_per_1k_tok": 2000.0, "delta_energy_pct": 100.0, "row_id": "R2", "basis": "measured"},
        ]}],
        "recommendation": "Use FP16.", "paradox_warnings": ["Default INT8 costs more than FP16."],
        "conflicts": ["Another source gives a different value for R2."],
    },
    "format_estimate.md.j2": {
        "requests_per_month": 1000000, "tokens_per_request": 256, "region": "regionX",
        "usd_per_kwh": 0.5, "grid_gco2_per_kwh": 100,
        "scenarios": [{"label": "current", "config": "ModelX int8 batch 1", "energy_j_per_1k_tok": 2000.0,
                       "kwh": 142.2, "usd": 71.1, "kg_co2": 14.2, "basis": "derived", "rows": ["R2"]}],
        "breakdown": [{"change": "FP16", "kwh_saved": 71.1, "usd_saved": 35.6, "kg_co2_saved": 7.1,
                       "pct": -50.0, "basis": "derived"}],
        "formula": "kWh = J/1k tok x (tokens/request / 1000) x requests / (joules per kWh)",
    },
    "format_audit.md.j2": {
        "target": "serve.py", "critical": [{"rule_id": "RULE1", "line": 3, "message": "Default INT8.",
                                            "fix": "Use FP16.", "impact": "See compare_precisions."}],
        "warnings": [], "good_practices": ["Uses torch.inference_mode()."], "changes": ["Load in FP16."],
    },
}
# Each output template renders every heading of its protocol, in the table's order.
FORMAT_PROTOCOL = {f"format_{p.name.lower()}.md.j2": p for p in PROTOCOLS}


def test_environment_is_one_cached_strict_environment() -> None:
    env = prompting.environment()
    assert env is prompting.environment()
    assert env.undefined is jinja2.StrictUndefined


def test_missing_variable_raises() -> None:
    context = dict(FORMAT_CONTEXTS["format_compare.md.j2"])
    del context["recommendation"]
    with pytest.raises(jinja2.UndefinedError, match="recommendation"):
        prompting.render("format_compare.md.j2", **context)
    with pytest.raises(jinja2.UndefinedError):
        prompting.render("system.md.j2", with_tools=True)


def test_system_prompt_snapshot() -> None:
    assert_snapshot("system_prompt.txt", prompting.system_prompt())


@pytest.mark.parametrize("template", sorted(FORMAT_CONTEXTS))
def test_output_format_snapshots(template: str) -> None:
    text = prompting.render(template, **FORMAT_CONTEXTS[template])
    headings = [s.markdown for s in FORMAT_PROTOCOL[template].sections]
    found = [h for h in re.findall(r"(?m)^#{2,3} [^:\n]+", text) if h in headings]
    assert found == headings
    assert_snapshot(template.replace(".md.j2", ".txt"), text)


def test_optional_format_keys_may_be_left_out() -> None:
    context = {k: v for k, v in FORMAT_CONTEXTS["format_optimize.md.j2"].items()
               if k not in ("use_case", "code", "assumptions", "footer")}
    text = prompting.render("format_optimize.md.j2", **context)
    assert "```" not in text and "Assumptions" not in text


def test_missing_values_render_as_not_measured() -> None:
    text = prompting.render("format_diagnose.md.j2", **{
        **FORMAT_CONTEXTS["format_diagnose.md.j2"], "evidence": [_figure("Unmeasured config", None)]})
    assert "Unmeasured config: not measured" in text


def test_every_reference_is_shipped_and_has_key_points() -> None:
    docs = prompting.reference_documents()
    digest = prompting.reference_digest()
    for name in REFERENCES:
        assert name in docs and docs[name].startswith("# ")
        assert name in digest and digest[name].startswith("- ")


def test_reference_table_markers_are_rendered_from_data() -> None:
    hardware = prompting.reference_documents()["hardware"]
    assert "<!-- ecocompute:table" not in hardware
    data = load()
    for key, profile in data.gpus.items():
        assert f"| {key} | {profile.name} |" in hardware
    for gpu in {m.gpu for m in data.primary()}:
        assert f"| {gpu} |" in hardware


def test_paradox_summary_is_the_evidence_functions_output() -> None:
    with_tools, without = prompting.system_prompt(), prompting.system_prompt(with_tools=False)
    for func in (evidence.int8_default_penalty, evidence.int8_pure_effect, evidence.nf4_small_model_penalty,
                 evidence.batch_size_gain):
        assert func().claim in without  # the prompt-only baseline carries the claims
        assert func().claim not in with_tools  # the lean prompt leaves them to `read_reference`
    for finding in prompting.paradox_summary():
        assert finding["title"] in with_tools


def test_prompt_covers_every_measured_gpu_model_and_engine() -> None:
    prompt = prompting.system_prompt()
    section = prompt.split("## What the data cover")[1].split("## What the data show")[0]
    for m in load().primary():  # model names are left to the tools (context budget); their count is given
        assert m.gpu in section and m.precision in section
        assert m.engine in section and (m.engine_version or "") in section
    for c in prompting.coverage():
        assert f"{len(c['models'])} models" in section


def test_prompt_names_only_registered_tools_and_all_of_them() -> None:
    prompt = prompting.system_prompt()
    mentioned = set(re.findall(r"`([a-z]+(?:_[a-z]+)+)`", prompt))
    assert mentioned <= set(tool_names()), mentioned - set(tool_names())
    for name in tool_names():
        assert f"`{name}`" in prompt


def test_prompt_states_the_numbers_rule_and_the_five_protocols() -> None:
    prompt = prompting.system_prompt()
    assert "State only numbers returned by tools in this conversation" in prompt
    assert "not measured" in prompt
    for protocol in PROTOCOLS:
        assert f"**{protocol.name}** ({protocol.when})" in prompt
        assert all(f"`{s.markdown}`" in prompt for s in protocol.sections)


def test_data_tables_hold_every_primary_row_and_profile() -> None:
    tables = prompting.data_tables_markdown()
    data = load()
    for m in data.primary():
        assert f"| {m.row_id} |" in tables
    for key in data.gpus:
        assert f"| {key} |" in tables
    for key in data.regions:
        assert f"| {key} |" in tables


def test_prompt_without_tools_embeds_the_tables_and_the_prompt_with_tools_stays_lean() -> None:
    with_tools, tables = prompting.system_prompt(), prompting.data_tables_markdown()
    without = prompting.system_prompt(with_tools=False)
    assert tables.strip() in without and "| Row |" not in with_tools
    assert len(with_tools) < len(tables) / 3, (len(with_tools), len(tables))


@pytest.mark.parametrize(("value", "text"), [
    (None, "–"), (True, "yes"), (3, "3"), (1234.0, "1,234"), (1234.5, "1,234.5"), (0.12, "0.12"),
    (29.06, "29.06"), (0.000512, "0.000512"), ("M026", "M026"),
])
def test_format_number(value: object, text: str) -> None:
    assert prompting.format_number(value) == text


def test_format_pct() -> None:
    assert prompting.format_pct(None) == "–"
    assert prompting.format_pct(-4.25) == "-4.2%"
    assert prompting.format_pct(30.66) == "+30.7%"
