"""The directory walk and the per-file read: Python files under the given paths, skipping virtualenvs,
VCS and build folders, following directory symlinks at most once each (so a symlink loop ends).

Nothing met on the way is dropped silently: a directory that cannot be listed, a path too long for
the system, a symlink that loops or points nowhere, a FIFO, a device or a file over the size limit
becomes a `FileReport` with a one-sentence `error` (the run then exits non-zero and SARIF says the
execution was not successful). Reading never blocks (FIFOs are opened non-blocking and refused).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ecocompute.tools.audit.engine import ALL_RULES, MAX_FILE_BYTES, Selection, audit_source
from ecocompute.tools.audit.findings import FileReport
from ecocompute.tools.audit.versions import pins_for

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".env",
                       "build", "dist", ".tox", ".nox", ".eggs", ".mypy_cache", ".pytest_cache",
                       ".ruff_cache", "site-packages", ".direnv"})
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Target:
    """A file to audit: `path` as reachable from the working directory, `uri` relative to its root;
    `error` set when the walk could not reach it (then it is reported, not read)."""

    path: str
    uri: str
    root: str = "."
    error: str | None = None


def _skip(entry: os.DirEntry[str]) -> bool:
    name = entry.name
    return (name in SKIP_DIRS or name.endswith(".egg-info")
            or os.path.exists(os.path.join(entry.path, "pyvenv.cfg")))


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a symlink loop; not audited"
    if exc.errno == errno.ENAMETOOLONG:
        return "has a path too long for the system; not audited"
    return f"cannot be read: {exc.strerror or type(exc).__name__}; not audited"


def _rel(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _entry(root: str, entry: os.DirEntry[str], seen: set[tuple[int, int]]) -> Iterator[Target]:
    try:
        if entry.is_symlink():
            os.stat(entry.path)  # raises on a loop or a missing target
        if entry.is_dir():
            info = entry.stat()
            key = (info.st_dev, info.st_ino)
            if key not in seen and not _skip(entry):
                seen.add(key)
                yield from _walk(root, entry.path, seen)
        elif entry.name.endswith(".py") and entry.is_file():
            yield Target(entry.path, _rel(entry.path, root), root)
    except OSError as exc:
        if exc.errno == errno.ENOENT and not entry.name.endswith(".py"):
            return  # a dangling link to something that is not Python source: nothing to audit
        yield Target(entry.path, _rel(entry.path, root), root, _why(exc))


def _walk(root: str, directory: str, seen: set[tuple[int, int]]) -> Iterator[Target]:
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as exc:
        yield Target(directory, _rel(directory, root), root, f"(directory) {_why(exc)}")
        return
    for entry in entries:
        yield from _entry(root, entry, seen)


def targets(paths: Sequence[str]) -> Iterator[Target]:
    """Every file to audit under `paths` (a file path is taken as Python whatever its suffix)."""
    for path in paths:
        if os.path.isdir(path):
            info = os.stat(path)
            yield from _walk(path, path, {(info.st_dev, info.st_ino)})
        else:
            yield Target(path, _rel(path, "."), os.path.dirname(path) or ".")


def read_source(path: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; OSError for anything that is not a regular file or is over `max_bytes`."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, device or socket)")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise OSError(errno.EFBIG, f"larger than the {max_bytes / 1e6:g} MB limit (--max-file-size)")
    return data


def audit_file(target: Target, selection: Selection = ALL_RULES, max_bytes: int = MAX_FILE_BYTES,
               pin_root: str | None = None) -> FileReport:
    """Audit one file; an unreadable, oversized or special file is reported, not raised."""
    if target.error:
        return FileReport(path=target.path, uri=target.uri, error=target.error)
    try:
        data = read_source(target.path, max_bytes)
    except OSError as exc:
        return FileReport(path=target.path, uri=target.uri, error=f"is skipped: {exc.strerror}")
    pins = pins_for(target.path, pin_root or target.root)
    return audit_source(data, target.path, target.uri, selection, pins, max_bytes)


def audit_paths(paths: Sequence[str], selection: Selection = ALL_RULES, jobs: int = 1,
                progress: Progress | None = None, max_bytes: int = MAX_FILE_BYTES,
                pin_root: str | None = None) -> list[FileReport]:
    """Audit every Python file under `paths`, in a stable order (`jobs` processes for large trees)."""
    from ecocompute.tools.audit.parallel import run_all

    return run_all(list(targets(paths)), selection, jobs, progress, max_bytes, pin_root)
