"""`ecocompute audit`: exit codes, filters, text output and the directory walk."""

from __future__ import annotations

import os
from pathlib import Path

INT8 = "from transformers import BitsAndBytesConfig\nc = BitsAndBytesConfig(load_in_8bit=True)\n"
INFO = "import torch\nfrom transformers import AutoModel\nm = AutoModel.from_pretrained('x')\nm.generate(i)\n"


def test_exit_codes(tmp_path: Path, run_cli) -> None:
    (tmp_path / "bad.py").write_text(INT8)
    (tmp_path / "info.py").write_text(INFO)
    assert run_cli("audit", str(tmp_path))[0] == 1
    assert run_cli("audit", str(tmp_path / "info.py"))[0] == 0  # info is below the default --fail-on
    assert run_cli("audit", str(tmp_path / "info.py"), "--fail-on", "info")[0] == 1
    assert run_cli("audit", str(tmp_path), "--fail-on", "never")[0] == 0
    assert run_cli("audit", str(tmp_path), "--ignore", "ECO101")[0] == 0
    code, _, err = run_cli("audit", str(tmp_path / "missing.py"))
    assert code == 2 and err.count("\n") == 1 and "No such file" in err
    code, _, err = run_cli("audit", str(tmp_path), "--select", "ECO999")
    assert code == 2 and "Unknown rule id ECO999" in err


def test_text_groups_by_file_and_ends_with_a_summary(tmp_path: Path, run_cli) -> None:
    (tmp_path / "a.py").write_text(INT8)
    (tmp_path / "b.py").write_text("def f(:\n")
    code, out, _ = run_cli("audit", str(tmp_path), "--color", "always")
    assert code == 1
    lines = out.splitlines()
    assert "\033[" in out and any("a.py" in line for line in lines[:1])
    assert "2:5" in out and "ECO101" in out and "does not parse" in out
    assert "1 finding (1 critical, 0 warning, 0 conditional, 0 info) in 2 files scanned, 1 file not audited" in lines[-1]
    plain = run_cli("audit", str(tmp_path), "--color", "never")[1]
    assert "\033[" not in plain


def test_list_rules(run_cli) -> None:
    code, out, _ = run_cli("audit", "--list-rules")
    assert code == 0 and "ECO101" in out and "ECO502" in out


def test_walk_skips_envs_vcs_builds_and_survives_symlink_loops(tmp_path: Path, audit_json) -> None:
    for folder in (".git", "node_modules", "build", "venv", "pkg.egg-info", "myenv", "src/sub"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "x.py").write_text(INT8)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "src" / "sub" / "loop").symlink_to(tmp_path / "src", target_is_directory=True)
    (tmp_path / "notes.txt").write_text(INT8)
    _, report = audit_json(str(tmp_path))
    assert [f["filename"] for f in report["files"]] == ["src/sub/x.py"]


def test_paths_are_relative_to_the_scanned_root(tmp_path: Path, audit_json) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(INT8)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        _, report = audit_json(".")
    finally:
        os.chdir(cwd)
    assert report["files"][0]["filename"] == "pkg/m.py"
