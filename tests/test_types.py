"""The type checker over the package, as part of the README's test command (`pytest`).

mypy cannot follow setuptools' editable-install finder, so the test lays out the installed package
(`skill/` -> `ecocompute`, `tools/` -> `ecocompute.tools`, ...) as symlinks in a temporary folder and
checks `-p ecocompute` there with the `[tool.mypy]` settings of pyproject.toml.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MOUNTED = {"tools": ROOT / "tools", "references": ROOT / "references", "prompts": ROOT / "prompts"}


def _layout(into: Path) -> Path:
    package = into / "ecocompute"
    package.mkdir(parents=True)
    for entry in (ROOT / "skill").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for name, target in MOUNTED.items():
        (package / name).symlink_to(target)
    return into


def test_mypy_is_clean_over_the_package(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    where = _layout(tmp_path / "src")
    cache = ROOT / ".mypy_cache"  # reused between runs; ignored by git
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "-p", "ecocompute", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(cache), "--no-error-summary", "--hide-error-context"],
        cwd=where, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
