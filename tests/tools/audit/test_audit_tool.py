"""`audit_code` through the registry, as the model calls it."""

from __future__ import annotations

import json

from ecocompute.registry import get_tool, run_tool
from ecocompute.tools.audit.tool import MAX_FINDINGS

SOURCE = ("from transformers import AutoModelForCausalLM\n"
          "m = AutoModelForCausalLM.from_pretrained('TinyLlama/TinyLlama-1.1B-Chat-v1.0', load_in_4bit=True)\n")


def test_audit_code_returns_findings_with_impact() -> None:
    outcome = run_tool("audit_code", {"source": SOURCE, "filename": "app.py"})
    assert not outcome.is_error
    (finding,) = outcome.content["findings"]
    assert (finding["rule_id"], finding["severity"], finding["line"]) == ("ECO201", "warning", 2)
    assert finding["impact"]["row_ids"] and finding["impact"]["basis"] == "derived"
    assert outcome.content["summary"]["warning"] == 1 and outcome.content["filename"] == "app.py"


def test_bad_input_is_a_correctable_error() -> None:
    assert run_tool("audit_code", {"source": "  "}).is_error
    broken = run_tool("audit_code", {"source": "def f(:\n"})
    assert broken.is_error and "does not parse" in broken.error


def test_the_description_and_schema_come_from_the_function() -> None:
    spec = get_tool("audit_code")
    assert spec.description.startswith("Audit Python LLM inference code")
    assert set(spec.input_schema()["properties"]) == {"source", "filename"}


def test_result_stays_small() -> None:
    source = "\n".join(f"pipeline('text-generation', batch_size=1)  # {i}" for i in range(3 * MAX_FINDINGS)) + "\n"
    outcome = run_tool("audit_code", {"source": source})
    assert len(outcome.content["findings"]) == MAX_FINDINGS
    assert outcome.content["omitted"] == 2 * MAX_FINDINGS
    assert len(json.dumps(outcome.content)) < 40_000
