"""The directory walk: Python files under the given paths, skipping virtualenvs, VCS and build
folders, following directory symlinks at most once each (so a symlink loop ends)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ecocompute.tools.audit.engine import ALL_RULES, Selection, audit_source
from ecocompute.tools.audit.findings import FileReport

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".env",
                       "build", "dist", ".tox", ".nox", ".eggs", ".mypy_cache", ".pytest_cache",
                       ".ruff_cache", "site-packages", ".direnv"})


@dataclass(frozen=True, slots=True)
class Target:
    """A file to audit: `path` as reachable from the working directory, `uri` relative to its root."""

    path: str
    uri: str


def _skip(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    return (name in SKIP_DIRS or name.endswith(".egg-info")
            or os.path.exists(os.path.join(entry.path, "pyvenv.cfg")))


def _walk(root: str, directory: str, seen: set[tuple[int, int]]) -> Iterator[Target]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir():
                stat = entry.stat()
                key = (stat.st_dev, stat.st_ino)
                if key not in seen and not _skip(entry):
                    seen.add(key)
                    yield from _walk(root, entry.path, seen)
            elif entry.name.endswith(".py") and entry.is_file():
                yield Target(entry.path, os.path.relpath(entry.path, root).replace(os.sep, "/"))
        except OSError:
            continue


def targets(paths: Sequence[str]) -> Iterator[Target]:
    """Every file to audit under `paths` (a file path is taken as Python whatever its suffix)."""
    for path in paths:
        if os.path.isdir(path):
            stat = os.stat(path)
            yield from _walk(path, path, {(stat.st_dev, stat.st_ino)})
        else:
            yield Target(path, os.path.relpath(path).replace(os.sep, "/"))


def audit_file(target: Target, selection: Selection = ALL_RULES) -> FileReport:
    """Audit one file; an unreadable file is reported, not raised."""
    try:
        with open(target.path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return FileReport(path=target.path, uri=target.uri, error=f"cannot be read: {exc.strerror}")
    return audit_source(data, target.path, target.uri, selection)


def audit_paths(paths: Sequence[str], selection: Selection = ALL_RULES) -> list[FileReport]:
    """Audit every Python file under `paths`, in a stable order."""
    return [audit_file(target, selection) for target in targets(paths)]
