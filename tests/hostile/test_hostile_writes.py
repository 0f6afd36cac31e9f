"""Writes: atomic (temporary file + rename), never over a user's file without --force, --force replaces only
what we wrote, evals keep partial results, --record keeps the old cassette, cassette names stay inside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from ecocompute import files
from ecocompute.evalkit import runner
from ecocompute.evalkit.cassettes import Scrubber
from ecocompute.evalkit.runner import CassettePlan

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_IDS = ("nf4-compare-qwen15b-5090", "srv-itl-deadline-8b-h100")


def _subset(tmp_path: Path, *ids: str) -> str:
    items = [item for f in sorted((ROOT / "evals" / "scenarios").glob("*.yaml"))
             for item in yaml.safe_load(f.read_text(encoding="utf-8")) if item["id"] in ids]
    path = tmp_path / "subset.yaml"
    path.write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")
    return str(path)


def _one_line(err: str) -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("ecocompute") and "Traceback" not in err, err


def _failing_replace(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """`os.replace` fails from call number `after` + 1 on (a full disk, a crash mid-write)."""
    real, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) > after:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(files.os, "replace", replace)


def test_export_skill_force_keeps_user_files_and_a_failed_write_keeps_the_old_bundle(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("export", "skill", str(tmp_path)).code == 0
    bundle = tmp_path / "ecocompute"
    (bundle / "NOTES.md").write_text("my notes", encoding="utf-8")
    before = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    _failing_replace(monkeypatch, after=2)
    outcome = cli("export", "skill", str(tmp_path), "--force")
    assert outcome.code == 2
    outcome.assert_one_sentence()
    after = {p: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert after == before  # every file whole: the old or the new text, never truncated; nothing removed
    monkeypatch.undo()
    assert cli("export", "skill", str(tmp_path), "--force").code == 0
    assert (bundle / "NOTES.md").read_text(encoding="utf-8") == "my notes"


def test_export_tools_does_not_overwrite_without_force(cli, tmp_path: Path) -> None:
    target = tmp_path / "tools.json"
    target.write_text("mine", encoding="utf-8")
    outcome = cli("export", "tools", "--format", "openai", "-o", str(target))
    assert outcome.code == 2 and "--force" in outcome.err
    assert target.read_text(encoding="utf-8") == "mine"
    assert cli("export", "tools", "--format", "openai", "-o", str(target), "--force").code == 0
    assert json.loads(target.read_text(encoding="utf-8"))


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    _failing_replace(monkeypatch, after=0)
    with pytest.raises(files.WriteError):
        files.write_text(target, "new" * 1000, force=True)
    assert target.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_eval_refuses_an_existing_report_and_a_bad_path_before_running(cli, tmp_path: Path) -> None:
    glob = _subset(tmp_path, *SCENARIO_IDS)
    existing = tmp_path / "r.json"
    existing.write_text("mine", encoding="utf-8")
    refused = cli("eval", "--scenarios", glob, "--json", str(existing))
    assert refused.code == 2 and "--force" in refused.err and "scenarios passed" not in refused.out
    assert existing.read_text(encoding="utf-8") == "mine"
    bad = cli("eval", "--scenarios", glob, "--junit", str(tmp_path / "no" / "such" / "r.xml"))
    assert bad.code == 2 and "scenarios passed" not in bad.out
    _one_line(bad.err)


def test_eval_writes_partial_results_as_it_goes(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    glob = _subset(tmp_path, *SCENARIO_IDS)
    real, seen = runner.run_one, []

    def interrupted_second(scenario, settings):
        seen.append(scenario.id)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return real(scenario, settings)

    monkeypatch.setattr(runner, "run_one", interrupted_second)
    report = tmp_path / "r.json"
    assert cli("eval", "--scenarios", glob, "--json", str(report)).code == 130
    saved = json.loads(report.read_text(encoding="utf-8"))
    assert [s["id"] for s in saved["scenarios"]] == seen[:1]


def _plan(tmp_path: Path) -> CassettePlan:
    return CassettePlan(mode="all", root=tmp_path, label="p/m", model_id="p:m", scrubber=Scrubber())


def test_record_keeps_the_old_cassette_until_the_new_one_exists(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    old = plan.path("s1")
    old.parent.mkdir(parents=True)
    old.write_text("interactions: []\nversion: 1\n", encoding="utf-8")
    scenario = type("S", (), {"id": "s1"})()
    with pytest.raises(RuntimeError), runner._cassette(plan, scenario):
        assert old.exists()  # still there while recording
        raise RuntimeError("the recording failed half-way")
    assert old.read_text(encoding="utf-8").startswith("interactions")
    assert [p.name for p in old.parent.iterdir()] == ["s1.yaml"]


@pytest.mark.parametrize("name", ["../..", "../escape", "a/../../b", "./x", "p/..", "/abs/path"])
def test_a_cassette_name_cannot_leave_the_cassette_folder(cli, tmp_path: Path, name: str) -> None:
    glob = _subset(tmp_path, SCENARIO_IDS[0])
    root = tmp_path / "cassettes"
    outcome = cli("eval", "--scenarios", glob, "--record", "--cassettes", str(root), "--cassette-name", name)
    assert outcome.code == 2, outcome.err
    _one_line(outcome.err)
    assert not list(tmp_path.rglob("*.yaml"))[1:]  # only the scenario subset itself


def test_ask_plot_does_not_overwrite_without_force(cli, tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    target.write_text("mine", encoding="utf-8")
    outcome = cli("ask", "Compare precisions for Mistral-7B on the A800", "--plot", str(target))
    assert outcome.code == 2 and target.read_text(encoding="utf-8") == "mine"
    assert cli("ask", "Compare precisions for Mistral-7B on the A800", "--plot", str(target), "--force").code == 0
    assert target.read_text(encoding="utf-8").lstrip().startswith("<")
