"""SARIF 2.1.0 output parses with sarif-pydantic and carries what GitHub code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path

from sarif_pydantic import Sarif

from ecocompute.tools.audit.rules import RULES

INT8 = "from transformers import BitsAndBytesConfig\n\nc = BitsAndBytesConfig(load_in_8bit=True)\n"


def test_sarif_parses_and_has_rules_results_and_relative_locations(tmp_path: Path, run_cli) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "serve.py").write_text(INT8)
    (tmp_path / "broken.py").write_text("def f(:\n")
    code, out, _ = run_cli("audit", str(tmp_path), "--format", "sarif")
    assert code == 1
    raw = json.loads(out)
    log = Sarif.model_validate(raw)
    assert log.version == "2.1.0"
    (run,) = log.runs
    assert [r.id for r in run.tool.driver.rules] == [r.id for r in RULES]
    assert all(r.short_description and r.short_description.text for r in run.tool.driver.rules)
    (result,) = run.results
    assert result.rule_id == "ECO101" and result.level.value == "error" and result.message.text
    location = result.locations[0].physical_location
    assert location.artifact_location.uri == "app/serve.py"
    assert location.region.start_line == 3
    notes = raw["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert ["broken.py" in n["message"]["text"] for n in notes] == [True]
