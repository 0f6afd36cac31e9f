"""`ecocompute export`: the Agent Skill bundle (validated with skills-ref, scripts run as an agent would)
and the JSON tool definitions (snapshot-tested)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import skills_ref
from skills_ref.parser import parse_frontmatter
from snapshots import assert_snapshot

from ecocompute.cli import main
from ecocompute.commands.export import FORMATS, MAX_CHARS, bounded, run_script
from ecocompute.examples import EXAMPLES, INT8_SOURCE
from ecocompute.prompting import reference_documents
from ecocompute.registry import TOOLS, run_tool, tool_names
from ecocompute.schemas import export_all


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("skills")
    assert main(["export", "skill", str(parent)]) == 0
    return parent / "ecocompute"


def script(bundle: Path, name: str, *args: str, python: tuple[str, ...] = (sys.executable,),
           cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a bundled script the way an agent does: a fresh process, from outside the repo."""
    return subprocess.run([*python, str(bundle / "scripts" / f"{name}.py"), *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd or bundle, check=False)


def tool_command(name: str, arguments: dict[str, object], capsys: pytest.CaptureFixture[str]) -> object:
    assert main(["tool", name, "--args", json.dumps(arguments)]) == 0
    return json.loads(capsys.readouterr().out)


def test_every_registry_tool_has_an_example() -> None:
    assert set(EXAMPLES) == set(tool_names())


def test_bundle_validates_with_skills_ref(bundle: Path) -> None:
    assert skills_ref.validate(bundle) == []
    done = subprocess.run([str(Path(sys.executable).with_name("agentskills")), "validate", str(bundle)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert skills_ref.read_properties(bundle).name == "ecocompute"


def test_bundle_holds_skill_md_references_and_one_script_per_tool(bundle: Path) -> None:
    shipped = resources.files("ecocompute").joinpath("SKILL.md").read_text(encoding="utf-8")
    assert (bundle / "SKILL.md").read_text(encoding="utf-8") == shipped
    docs = reference_documents()
    assert sorted(p.name for p in (bundle / "references").iterdir()) == sorted(f"{n}.md" for n in docs)
    assert all((bundle / "references" / f"{n}.md").read_text(encoding="utf-8") == t for n, t in docs.items())
    scripts = sorted((bundle / "scripts").iterdir())
    assert [p.stem for p in scripts] == sorted(tool_names())
    assert all(os.access(p, os.X_OK) for p in scripts)


def test_skill_md_follows_the_spec_and_names_every_script() -> None:
    text = resources.files("ecocompute").joinpath("SKILL.md").read_text(encoding="utf-8")
    meta, body = parse_frontmatter(text)
    assert meta["name"] == "ecocompute" and len(meta["description"]) < 1024
    assert len(body.splitlines()) < 500
    for word in ("OPTIMIZE", "DIAGNOSE", "COMPARE", "ESTIMATE", "AUDIT", "not measured", "row_id"):
        assert word in body
    mentioned = {line.split("scripts/")[1].split(".py")[0] for line in body.splitlines() if "scripts/" in line
                 and ".py" in line.split("scripts/")[1]}
    assert mentioned - {"NAME"} == set(tool_names())


def test_exporting_over_a_bundle_needs_force(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "skill", str(bundle.parent)]) == 2
    assert "--force" in capsys.readouterr().err
    (bundle / "scripts" / "mine.py").write_text("kept", encoding="utf-8")  # a user's file
    (bundle / "scripts" / "retired_tool.py").write_text("", encoding="utf-8")  # one we wrote before
    manifest = bundle / ".ecocompute-manifest.json"
    manifest.write_text(json.dumps([*json.loads(manifest.read_text(encoding="utf-8")), "scripts/retired_tool.py"]),
                        encoding="utf-8")
    assert main(["export", "skill", str(bundle.parent), "--force"]) == 0
    assert not (bundle / "scripts" / "retired_tool.py").exists()
    assert (bundle / "scripts" / "mine.py").read_text(encoding="utf-8") == "kept"
    assert "scripts/retired_tool.py" not in manifest.read_text(encoding="utf-8")


def test_a_bundle_written_before_manifests_is_replaced_with_force(bundle: Path) -> None:
    (bundle / ".ecocompute-manifest.json").unlink()  # as an older version wrote it: SKILL.md marks the bundle
    (bundle / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["export", "skill", str(bundle.parent)]) == 2
    assert main(["export", "skill", str(bundle.parent), "--force"]) == 0
    assert (bundle / ".ecocompute-manifest.json").is_file()
    assert (bundle / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_export_refuses_to_replace_a_folder_that_is_not_a_bundle(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ecocompute").mkdir()
    (tmp_path / "ecocompute" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["export", "skill", str(tmp_path), "--force"]) == 2
    assert "not written by ecocompute" in capsys.readouterr().err
    assert (tmp_path / "ecocompute" / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("name", tool_names())
def test_each_script_answers_help(bundle: Path, name: str) -> None:
    done = script(bundle, name, "--help")
    assert done.returncode == 0 and done.stderr == ""
    spec = next(s for s in TOOLS if s.name == name)
    assert spec.description.split()[0] in done.stdout
    for field in spec.args_model.model_fields:
        assert f"--{field.replace('_', '-')}" in done.stdout


@pytest.mark.parametrize("name", tool_names())
def test_each_script_prints_the_same_json_as_the_tool_command(bundle: Path, name: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    arguments = EXAMPLES[name]
    done = script(bundle, name, "--args", json.dumps(arguments))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout) == tool_command(name, arguments, capsys)


def test_flags_and_files_are_arguments_too(bundle: Path, tmp_path: Path) -> None:
    done = script(bundle, "lookup_measurement", "--gpu", "rtx4090d", "--model", "Mistral-7B",
                  "--batch-size", "1")
    expected = run_tool("lookup_measurement", {"gpu": "rtx4090d", "model": "Mistral-7B", "batch_size": 1})
    assert done.returncode == 0 and json.loads(done.stdout) == expected.content
    code = tmp_path / "serve.py"
    code.write_text(INT8_SOURCE, encoding="utf-8")
    done = script(bundle, "audit_code", "--source", f"@{code}", "--filename", "serve.py")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == run_tool("audit_code", EXAMPLES["audit_code"]).content


@pytest.mark.parametrize(("args", "words"), [
    (("--gpu", "rtx9999"), "Unknown GPU 'rtx9999'"),
    (("--args", "{not json"), "--args is not valid JSON"),
    (("--args", "[1, 2]"), "--args must be a JSON object"),
    (("--batch-size", "many", "--gpu", "a800"), "batch_size"),
    (("--gpu", "@/no/such/file"), "cannot read /no/such/file"),
])
def test_bad_input_exits_2_with_one_sentence_and_a_json_error(bundle: Path, args: tuple[str, ...],
                                                              words: str) -> None:
    done = script(bundle, "lookup_measurement", *args)
    assert done.returncode == 2
    assert words in json.loads(done.stdout)["error"]
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_an_unknown_flag_is_a_usage_error(bundle: Path) -> None:
    done = script(bundle, "lookup_measurement", "--colour", "green")
    assert done.returncode == 2 and "unrecognized arguments: --colour" in done.stderr
    assert "Traceback" not in done.stderr


def test_with_the_wrong_python_the_script_runs_with_the_exporting_one(bundle: Path) -> None:
    # -S skips site-packages, where ecocompute is installed: what an agent sees with the wrong Python.
    done = script(bundle, "lookup_measurement", "--gpu", "a800", python=(sys.executable, "-S"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == run_tool("lookup_measurement", {"gpu": "a800"}).content


def test_without_the_package_the_script_says_how_to_install_it(bundle: Path, tmp_path: Path) -> None:
    moved = tmp_path / "lookup_measurement.py"  # a bundle whose exporting Python is gone
    text = (bundle / "scripts" / "lookup_measurement.py").read_text(encoding="utf-8")
    moved.write_text(text.replace(f"EXPORTED_WITH = {sys.executable!r}", "EXPORTED_WITH = '/no/such/python'"),
                     encoding="utf-8")
    done = subprocess.run([sys.executable, "-S", str(moved), "--help"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 4 and done.stdout == ""
    assert f"{sys.executable} -m pip install '" in done.stderr and "Traceback" not in done.stderr


def test_long_output_is_truncated_with_a_marker(bundle: Path) -> None:
    done = script(bundle, "lookup_measurement", "--gpu", "a800", "--max-chars", "500")
    assert done.returncode == 0
    body, marker = done.stdout.rstrip("\n").rsplit("\n", 1)
    full = json.dumps(run_tool("lookup_measurement", {"gpu": "a800"}).content, ensure_ascii=False)
    assert body == full[:500] and marker.startswith("[ecocompute: output truncated: 500 of ")
    assert bounded("short", MAX_CHARS) == "short"


def test_a_bundle_from_another_version_still_runs_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_script("lookup_measurement", ["--gpu", "a800", "--model", "Mistral-7B"],
                      bundle_version="0.0.0") == 0
    captured = capsys.readouterr()
    assert "re-export it" in captured.err and json.loads(captured.out)["rows"]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_tools_prints_the_schemas_and_matches_the_snapshot(fmt: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "tools", "--format", fmt]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == export_all(FORMATS[fmt])
    assert len(printed) == len(TOOLS)
    out = tmp_path / "tools.json"
    assert main(["export", "tools", "--format", fmt, "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == printed
    assert_snapshot(f"tools_{fmt}.json", printed)


def test_export_tools_rejects_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["export", "tools", "--format", "gemini"])
    assert exited.value.code == 2 and "invalid choice: 'gemini'" in capsys.readouterr().err


def test_export_tools_reports_an_unwritable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "tools", "--format", "mcp", "-o", str(tmp_path / "missing" / "t.json")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err.lower() and len(err.strip().splitlines()) == 1
