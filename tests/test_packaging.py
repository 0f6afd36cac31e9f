"""The wheel holds what the tree holds: every package folder and every data file, under `ecocompute`.

`packages` in pyproject.toml is a hand-kept list (four folders map into one import name); these tests
fail when a folder or a data file would be left out of the wheel, as `ecocompute.evalkit` once was.
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = CONFIG["tool"]["setuptools"]
ROOTS = {name: ROOT / folder for name, folder in SETUPTOOLS["package-dir"].items()}


def tree_packages() -> dict[str, Path]:
    """Import name -> folder, for every folder with an `__init__.py` under a mapped root."""
    found: dict[str, Path] = {}
    for name, folder in ROOTS.items():
        for init in folder.rglob("__init__.py"):
            rel = init.parent.relative_to(folder).parts
            if "__pycache__" not in rel:
                found[".".join((name, *rel))] = init.parent
    return found


def tree_files() -> set[str]:
    """Every file the wheel must hold, as its path in the wheel (`ecocompute/...`)."""
    files = set()
    for name, folder in tree_packages().items():
        for path in folder.iterdir():
            if path.is_file() and path.suffix != ".pyc":
                files.add("/".join((*name.split("."), path.name)))
    return files


def missing_from(wheel_names: set[str]) -> list[str]:
    """Tree files (package modules and data) that a wheel listing lacks."""
    return sorted(tree_files() - wheel_names)


def test_packages_list_names_every_folder_of_the_tree() -> None:
    assert sorted(SETUPTOOLS["packages"]) == sorted(tree_packages())


def test_package_data_globs_cover_every_data_file() -> None:
    globs = CONFIG["tool"]["setuptools"]["package-data"]
    for name, folder in tree_packages().items():
        for path in folder.iterdir():
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                assert any(fnmatch.fnmatch(path.name, g) for g in globs.get(name, [])), f"{path} is not packaged"


def test_a_wheel_missing_a_package_folder_is_caught() -> None:
    complete = tree_files()
    without_evalkit = {n for n in complete if not n.startswith("ecocompute/evalkit/")}
    assert missing_from(complete) == []
    assert missing_from(without_evalkit) and all(n.startswith("ecocompute/evalkit/") for n in missing_from(without_evalkit))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Build from a clean copy of what the build reads: an in-tree build/ folder left by an earlier build
    # would slip stale files into the wheel and hide a missing package.
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    for folder in {p.relative_to(ROOT).parts[0] for p in ROOTS.values()}:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                           "--wheel-dir", str(out), str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (found,) = out.glob("ecocompute-*.whl")
    return found


def test_the_built_wheel_holds_every_package_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert missing_from(names) == []
    tops = {n.split("/")[0] for n in names}
    assert tops <= {"ecocompute", *(n for n in tops if n.endswith(".dist-info"))}  # no top-level `tools`, `skill`


def test_the_wheel_metadata_declares_the_license_and_the_extras(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))).decode()
        assert any(n.endswith("licenses/LICENSE") for n in zf.namelist())
    assert "License-Expression: MIT" in meta
    extras = {line.split(": ", 1)[1] for line in meta.splitlines() if line.startswith("Provides-Extra: ")}
    assert {"openai", "anthropic", "mcp", "evals", "all"} <= extras
    core = [line for line in meta.splitlines() if line.startswith("Requires-Dist: ") and "extra ==" not in line]
    assert not [line for line in core if any(sdk in line for sdk in ("openai", "anthropic", "mcp", "vcrpy", "yaml"))]
