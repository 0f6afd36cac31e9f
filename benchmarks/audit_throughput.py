"""Audit throughput over the running interpreter's standard library, next to bare `ast.parse`.

Every file is walked and read once (timed separately); then, per file, `ast.parse` and the audit run
on the same decoded text one after the other, so both see the same caches and machine state.
"""

from __future__ import annotations

import ast
import os
import sysconfig
import tokenize
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from time import perf_counter

from benchmarks.report import Row

SKIP_DIRS = {"site-packages", "__pycache__"}
Auditor = Callable[[str, str], object]


@dataclass
class Corpus:
    root: str
    texts: list[tuple[str, str]] = field(default_factory=list)  # (relative path, text)
    undecodable: int = 0
    walk_s: float = 0.0
    read_s: float = 0.0

    @property
    def lines(self) -> int:
        return sum(text.count("\n") + 1 for _, text in self.texts)


def _decode(raw: bytes) -> str | None:
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(raw).readline)
        return raw.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


def load_corpus(root: str) -> Corpus:
    """Walk `root` for *.py (no symlinks followed, site-packages skipped), then read and decode."""
    corpus = Corpus(root)
    start = perf_counter()
    paths = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        paths += [os.path.join(folder, f) for f in sorted(files) if f.endswith(".py")]
    corpus.walk_s = perf_counter() - start
    start = perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            text = _decode(handle.read())
        if text is None:
            corpus.undecodable += 1
        else:
            corpus.texts.append((os.path.relpath(path, root), text))
    corpus.read_s = perf_counter() - start
    return corpus


def auditor() -> tuple[str, Auditor]:
    """The per-file engine `ecocompute audit` runs; before it lands, the parts that exist (labelled)."""
    try:
        from ecocompute.tools.audit.engine import audit_source
    except ImportError as exc:
        return f"partial engine (engine.audit_source not importable: {exc})", _partial_engine()
    return "ecocompute.tools.audit.engine.audit_source (what `ecocompute audit` runs per file)", audit_source


def _partial_engine() -> Auditor:
    from ecocompute.tools.audit import collect, resolve, rules_batch, rules_int8, rules_nf4, rules_runtime

    def run(text: str, name: str) -> object:
        facts = collect.collect(ast.parse(text, filename=name))
        r = resolve.Resolver(facts)
        return [hit for mod in (rules_int8, rules_nf4, rules_batch, rules_runtime) for hit in mod.check(facts, r)]

    return run


@dataclass
class Timing:
    parse_s: float = 0.0
    audit_s: float = 0.0
    parse_errors: int = 0
    audit_errors: int = 0
    first_error: str = ""
    crashes: list[str] = field(default_factory=list)


def _time_audit(audit: Auditor, name: str, text: str, timing: Timing) -> None:
    from ecocompute.tools.errors import ToolInputError

    start = perf_counter()
    report = None
    try:
        report = audit(text, name)
    except (ToolInputError, SyntaxError) as exc:
        timing.audit_errors += 1
        timing.first_error = timing.first_error or f"{name}: {exc}"
    except Exception as exc:  # noqa: BLE001 - a benchmark counts crashes instead of stopping
        timing.crashes.append(f"{name}: {type(exc).__name__}: {str(exc)[:80]}")
    if getattr(report, "error", None):
        timing.audit_errors += 1
        timing.first_error = timing.first_error or f"{name}: {report.error}"  # type: ignore[union-attr]
    timing.audit_s += perf_counter() - start


def measure(corpus: Corpus, audit: Auditor) -> Timing:
    timing = Timing()
    for name, text in corpus.texts:
        start = perf_counter()
        try:
            ast.parse(text, filename=name)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            timing.parse_errors += 1
        timing.parse_s += perf_counter() - start
        _time_audit(audit, name, text, timing)
    return timing


def run() -> tuple[list[Row], list[str]]:
    root = sysconfig.get_paths()["stdlib"]
    corpus = load_corpus(root)
    label, audit = auditor()
    timing = measure(corpus, audit)
    lines = corpus.lines
    ratio = timing.audit_s / timing.parse_s
    io_share = (corpus.walk_s + corpus.read_s) / (corpus.walk_s + corpus.read_s + timing.audit_s)
    rows = [
        Row("audit throughput (stdlib)",
            f"{lines / timing.audit_s:,.0f} lines/s audit vs {lines / timing.parse_s:,.0f} lines/s ast.parse",
            "audit <= 1.5x ast.parse", ratio, 1.5,
            f"{len(corpus.texts)} files, {lines:,} lines; {label}; reading excluded from both"),
        Row("  walk + read (stdlib)",
            f"walk {corpus.walk_s * 1000:.0f} ms, read+decode {corpus.read_s * 1000:.0f} ms",
            "must not dominate", io_share, 0.5,
            "ratio = share of (walk+read+audit) time spent walking and reading"),
    ]
    details = [
        "### Audit throughput",
        "",
        f"- corpus: `{root}` (*.py, site-packages and __pycache__ skipped, symlinks not followed): "
        f"{len(corpus.texts)} files, {lines:,} lines, {corpus.undecodable} undecodable",
        f"- auditor: {label}",
        f"- walk {corpus.walk_s:.3f} s; read + decode {corpus.read_s:.3f} s (timed once, excluded from both sides)",
        f"- ast.parse {timing.parse_s:.2f} s ({timing.parse_errors} files do not parse); "
        f"audit {timing.audit_s:.2f} s ({timing.audit_errors} per-file errors); ratio {ratio:.2f}",
        f"- first per-file error: `{timing.first_error}`",
        f"- crashes (exceptions other than the typed input error): {len(timing.crashes)}"
        + "".join(f"\n  - `{c}`" for c in timing.crashes[:10]),
        "",
    ]
    return rows, details
