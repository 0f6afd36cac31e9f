"""Auditing many files: in this process, or across `jobs` worker processes in ordered chunks, with a
progress callback after each chunk. Results come back in the walk's order either way. The process pool's
modules are imported only when workers start (a one-file audit never needs them)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence

from ecocompute.tools.audit.engine import Selection
from ecocompute.tools.audit.findings import FileReport

PARALLEL_MIN_FILES = 200  # below this, starting workers costs more than it saves
CHUNK = 24


def default_jobs() -> int:
    """Worker processes by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _chunk(args: tuple[Sequence[object], Selection, int, str | None]) -> list[FileReport]:
    from ecocompute.tools.audit.walk import audit_file

    targets, selection, max_bytes, pin_root = args
    return [audit_file(t, selection, max_bytes, pin_root) for t in targets]  # type: ignore[arg-type]


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def run_all(targets: list, selection: Selection, jobs: int, progress: Callable[[int, int], None] | None,
            max_bytes: int, pin_root: str | None) -> list[FileReport]:
    """Audit `targets` in chunks, in worker processes when there are enough files; reports in input order."""
    total = len(targets)
    if jobs <= 1 or total < PARALLEL_MIN_FILES:
        results: Iterator[list[FileReport]] = (_chunk((c, selection, max_bytes, pin_root)) for c in _chunks(targets, CHUNK))
        return _gather(results, total, progress)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers start from a clean interpreter, safe whatever threads the caller runs.
    context = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        work = ((c, selection, max_bytes, pin_root) for c in _chunks(targets, CHUNK))
        try:
            return _gather(pool.map(_chunk, work), total, progress)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _gather(results: Iterator[list[FileReport]], total: int,
            progress: Callable[[int, int], None] | None) -> list[FileReport]:
    out: list[FileReport] = []
    for reports in results:
        out.extend(reports)
        if progress is not None:
            progress(len(out), total)
    return out
