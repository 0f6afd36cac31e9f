"""The hook in .pre-commit-hooks.yaml, run by the `pre-commit` package in a temporary repository.

pre-commit's `language: python` would build a fresh virtualenv and pip-install this checkout with
all its dependencies (minutes, and network). The test keeps every other field of our hook definition
(id, name, entry arguments, `types: [python]`) and swaps in `language: system` with the entry
resolved to the installed `ecocompute` script, so it checks what pre-commit passes and how the
hook's exit code blocks a commit.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
SCRIPT = Path(sys.executable).with_name("ecocompute")
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
BAD = "from transformers import BitsAndBytesConfig\nc = BitsAndBytesConfig(load_in_8bit=True)\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None or not SCRIPT.exists() or not PRE_COMMIT.exists():
        pytest.skip("git, pre-commit or the ecocompute script is not installed")
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "ecocompute-audit" and hook["language"] == "python" and hook["types"] == ["python"]
    program, _, args = hook["entry"].partition(" ")
    local = {**hook, "language": "system", "entry": f"{SCRIPT.with_name(program)} {args}"}
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "t@example.com")
    _git(tmp_path, "config", "user.name", "t")
    (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    return tmp_path


def _run(repo: Path) -> subprocess.CompletedProcess[str]:
    _git(repo, "add", "-A")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(repo), "PRE_COMMIT_HOME": str(repo / ".cache")}
    return subprocess.run([str(PRE_COMMIT), "run", "--all-files"], cwd=repo, env=env, text=True,
                          capture_output=True, timeout=120)


def test_hook_blocks_a_finding_and_passes_clean_code(repo: Path) -> None:
    (repo / "serve.py").write_text(BAD)
    (repo / "notes.md").write_text(BAD)  # not Python: pre-commit must not pass it to the hook
    failed = _run(repo)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "ECO101" in failed.stdout and "serve.py" in failed.stdout and "notes.md" not in failed.stdout
    (repo / "serve.py").write_text(BAD.replace("load_in_8bit=True", "load_in_8bit=True, llm_int8_threshold=0.0"))
    passed = _run(repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "ecocompute audit" in passed.stdout and "Passed" in passed.stdout
