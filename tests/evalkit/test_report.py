"""Reports: tables per protocol and paradox, JSON round trip as a baseline, JUnit, regressions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ecocompute.evalkit.graders import Verdict
from ecocompute.evalkit.report import (
    Report,
    by_paradox,
    by_protocol,
    load_baseline,
    regressions,
    text_summary,
    write_json,
    write_junit,
)
from ecocompute.evalkit.runner import ScenarioResult
from ecocompute.evalkit.schema import Tags


def _result(sid: str, passed: bool, protocol: str = "compare", paradox: tuple[str, ...] = ()) -> ScenarioResult:
    verdicts = [Verdict(grader="required", passed=passed, why="ok" if passed else "missing the fix")]
    return ScenarioResult(id=sid, protocol=protocol, tags=Tags(paradox=list(paradox)), passed=passed, verdicts=verdicts)


def _report(*results: ScenarioResult) -> Report:
    return Report(model_id="offline", results=list(results))


def test_tables_count_per_protocol_and_paradox() -> None:
    results = [_result("a", True, "compare", ("int8",)), _result("b", False, "diagnose", ("int8", "power"))]
    assert [(r.group, r.passed, r.total) for r in by_protocol(results)] == [("compare", 1, 1), ("diagnose", 0, 1)]
    assert [(r.group, r.passed, r.total) for r in by_paradox(results)] == [("int8", 1, 2), ("power", 0, 1)]


def test_summary_explains_failures() -> None:
    text = text_summary(_report(_result("a", True), _result("b", False)))
    assert "1 / 2 scenarios passed" in text and "FAIL b" in text and "missing the fix" in text


def test_json_is_a_baseline_and_regressions_are_found(tmp_path: Path) -> None:
    before = _report(_result("a", True), _result("b", False))
    write_json(before, tmp_path / "base.json")
    baseline = load_baseline(tmp_path / "base.json")
    assert baseline == {"a": True, "b": False}
    after = _report(_result("a", False), _result("b", True))
    assert regressions(after, baseline) == ["a"]


def test_junit_has_one_case_per_scenario(tmp_path: Path) -> None:
    write_junit(_report(_result("a", True), _result("b", False)), tmp_path / "j.xml")
    suite = ET.parse(tmp_path / "j.xml").getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["b"]
