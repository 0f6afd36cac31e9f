"""`ecocompute eval`: exit codes, reports, baseline regressions, --replay of loopback cassettes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ecocompute.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "evals" / "scenarios"


def _subset(tmp_path: Path, *ids: str) -> str:
    items = [item for f in sorted(SCENARIOS.glob("*.yaml"))
             for item in yaml.safe_load(f.read_text(encoding="utf-8")) if item["id"] in ids]
    path = tmp_path / "subset.yaml"
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_passing_scenarios_exit_0_and_write_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    glob = _subset(tmp_path, "nf4-compare-qwen15b-5090", "srv-itl-deadline-8b-h100")
    code = main(["eval", "--scenarios", glob, "--json", str(tmp_path / "r.json"), "--junit", str(tmp_path / "r.xml")])
    out = capsys.readouterr().out
    assert code == 0 and "2 / 2 scenarios passed" in out and "compare" in out and "nf4" in out
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["passed"] == 2 and {s["id"] for s in report["scenarios"]} == {
        "nf4-compare-qwen15b-5090", "srv-itl-deadline-8b-h100"}
    assert (tmp_path / "r.xml").read_text(encoding="utf-8").count("<testcase") == 2


def test_a_regression_against_the_baseline_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    glob = _subset(tmp_path, "nf4-compare-qwen15b-5090")
    main(["eval", "--scenarios", glob, "--json", str(tmp_path / "base.json")])
    code = main(["eval", "--scenarios", glob, "--without-skill", "--baseline", str(tmp_path / "base.json")])
    out = capsys.readouterr().out
    assert code == 1 and "REGRESSIONS" in out and "nf4-compare-qwen15b-5090" in out


def test_no_scenario_files_is_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["eval", "--scenarios", str(tmp_path / "nothing-*.yaml")]) == 2
    assert "No scenario files match" in capsys.readouterr().err


def test_an_unknown_provider_is_a_model_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    glob = _subset(tmp_path, "nf4-compare-qwen15b-5090")
    assert main(["eval", "--scenarios", glob, "-m", "nonsense:x"]) == 3
    assert "Unknown model provider" in capsys.readouterr().err


def test_replay_of_loopback_cassettes_needs_no_network(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    glob = _subset(tmp_path, "int8-symptom-mistral-4090d", "srv-itl-tighten-followup")
    code = main(["eval", "--scenarios", glob, "--replay", "-m", "openai:loopback-scripted",
                 "--base-url", "http://127.0.0.1:9/v1", "--cassettes", str(ROOT / "evals" / "cassettes"),
                 "--cassette-name", "loopback-openai/scripted"])
    assert code == 0, capsys.readouterr().out
