"""The one way EcoCompute writes files: a temporary file in the same folder, then an atomic rename.

A reader (or a crash) sees the old file or the new one, never a truncated mix. A file that exists is
replaced only with `force=True`; a folder is never removed: `write_tree` replaces only the files its
manifest says it wrote earlier.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

MANIFEST = ".ecocompute-manifest.json"
_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once at import: mkstemp creates 0600 files, new files get the usual mode


class WriteError(Exception):
    """A write that was refused or failed: one sentence for the user."""


def refuse_existing(path: Path, *, force: bool) -> None:
    """Raise `WriteError` when `path` exists and `force` is not set (check before long work)."""
    if path.is_dir():
        raise WriteError(f"{path} is a folder; give a file name.")
    if path.exists() and not force:
        raise WriteError(f"{path} already exists; pass --force to replace it.")


def write_text(path: Path, text: str, *, force: bool = False, mode: int | None = None) -> None:
    """Write `text` atomically; refuse to replace an existing file unless `force`."""
    write_bytes(path, text.encode("utf-8"), force=force, mode=mode)


def write_bytes(path: Path, data: bytes, *, force: bool = False, mode: int | None = None) -> None:
    refuse_existing(path, force=force)
    try:
        with _temporary(path) as tmp:
            tmp.write_bytes(data)
            tmp.chmod(mode if mode is not None else _mode_for(path))
            os.replace(tmp, path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise WriteError(f"Cannot write {path} ({getattr(exc, 'strerror', None) or type(exc).__name__}).") from None


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_UMASK


@contextlib.contextmanager
def _temporary(path: Path) -> Iterator[Path]:
    """A fresh temporary file next to `path` (same file system, so the rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """A temporary path for a writer we do not control (vcrpy); renamed over `path` only on success.

    If the block raises, or writes nothing, the existing `path` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _temporary(path) as tmp:
        tmp.unlink()
        yield tmp
        if tmp.exists():
            tmp.chmod(_mode_for(path))
            os.replace(tmp, path)


def write_tree(root: Path, files: Mapping[str, str], *, force: bool = False,
               modes: Mapping[str, int] | None = None, marker: str | None = None) -> None:
    """Write `files` (relative path -> text) under `root`, each atomically, and record them in a manifest.

    An existing `root` is written into only with `force` and only if it holds our manifest (or, written
    before manifests, the `marker` file: then nothing is removed); files the previous manifest listed and
    this one does not are removed; nothing else in `root` is touched.
    """
    previous = _manifest(root)
    if previous is None and marker is not None and (root / marker).is_file():
        previous = []
    if root.exists() and not (force and previous is not None):
        why = "pass --force to replace it" if previous is not None else "it was not written by ecocompute"
        raise WriteError(f"{root} already exists; {why}.")
    for rel in files:
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise WriteError(f"Refusing to write {rel!r} outside {root}.")
    try:
        for rel, text in files.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text(target, text, force=True, mode=(modes or {}).get(rel))
        for rel in sorted(set(previous or ()) - set(files)):
            (root / rel).unlink(missing_ok=True)
    except OSError as exc:
        raise WriteError(f"Cannot write {root} ({exc.strerror or type(exc).__name__}).") from None
    write_text(root / MANIFEST, json.dumps(sorted(files), indent=1) + "\n", force=True)


def _manifest(root: Path) -> list[str] | None:
    try:
        listed = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
        return None
    return [x for x in listed if not Path(x).is_absolute() and ".." not in Path(x).parts]
