"""Audit throughput over the running interpreter's standard library, next to bare `ast.parse`.

Every file is walked and read once (timed separately); then, per file, `ast.parse` and the audit run
on the same decoded text one after the other, so both see the same caches and machine state.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
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


def _forced_engine() -> Auditor | None:
    """Parse + the one walk + every rule on every file, skipping the engine's trigger-word pre-filter:
    the cost on a corpus where every file is inference code."""
    try:
        from ecocompute.tools.audit import engine
    except ImportError:
        return None

    def run(text: str, name: str) -> object:
        tree = ast.parse(text, filename=name)
        try:
            facts = engine.collect(tree)
            resolver = engine.Resolver(facts)
            return [hit for check in engine.CHECKS for hit in check(facts, resolver)]
        except RecursionError:
            return None

    return run


def _triggered(texts: list[tuple[str, str]]) -> int | None:
    try:
        from ecocompute.tools.audit import engine
    except ImportError:
        return None
    check = getattr(engine, "_triggered", None)
    if check is None:
        return sum(any(t in text.encode("utf-8", "surrogatepass") for t in engine.TRIGGERS) for _, text in texts)
    return sum(bool(check(text.encode("utf-8", "surrogatepass"))) for _, text in texts)


def end_to_end(root: str) -> tuple[float, int, int, str]:
    """`ecocompute audit ROOT --format json` in a subprocess: wall seconds, files, lines, exit status."""
    script = os.path.join(os.path.dirname(sys.executable), "ecocompute")
    argv = [script] if os.path.exists(script) else [sys.executable, "-m", "ecocompute.cli"]
    start = perf_counter()
    proc = subprocess.run([*argv, "audit", root, "--format", "json", "--fail-on", "never"],
                          capture_output=True, text=True, timeout=900)
    seconds = perf_counter() - start
    try:
        files = json.loads(proc.stdout)["files"]
    except (ValueError, KeyError):
        return seconds, 0, 0, f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"
    return seconds, len(files), sum(f.get("lines") or 0 for f in files), f"exit {proc.returncode}"


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
    except Exception as exc:
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
    forced_engine = _forced_engine()
    forced = measure(corpus, forced_engine) if forced_engine else None
    triggered = _triggered(corpus.texts)
    e2e_s, e2e_files, e2e_lines, e2e_status = end_to_end(root)
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
    if forced is not None:
        rows.append(Row("  audit, every rule on every file", f"{lines / forced.audit_s:,.0f} lines/s",
                        "(informational)", forced.audit_s / forced.parse_s, None,
                        f"trigger-word pre-filter bypassed; {triggered} of {len(corpus.texts)} stdlib files "
                        "pass the pre-filter in the real engine"))
    baseline_e2e = corpus.walk_s + corpus.read_s + timing.parse_s
    rows.append(Row("  `ecocompute audit STDLIB --format json` end to end",
                    f"{e2e_s:.2f} s wall, {e2e_files} files, {e2e_lines:,} lines "
                    f"({e2e_lines / e2e_s:,.0f} lines/s)" if e2e_lines else f"{e2e_s:.2f} s",
                    "(informational)", e2e_s / baseline_e2e, None,
                    f"ratio vs walk+read+ast.parse in-process ({baseline_e2e:.2f} s); includes process start, "
                    f"JSON output; {e2e_status}"))
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
        f"- trigger-word pre-filter: {triggered} of {len(corpus.texts)} files would get the rule walk; the rest "
        "cost ast.parse plus a bytes scan",
        (f"- every rule on every file (pre-filter bypassed): {forced.audit_s:.2f} s vs ast.parse "
         f"{forced.parse_s:.2f} s, ratio {forced.audit_s / forced.parse_s:.2f}" if forced else "- forced pass: n/a"),
        f"- end to end `ecocompute audit {root} --format json --fail-on never`: {e2e_s:.2f} s, "
        f"{e2e_files} files, {e2e_lines:,} lines, {e2e_status}",
        f"- crashes (exceptions other than the typed input error): {len(timing.crashes)}"
        + "".join(f"\n  - `{c}`" for c in timing.crashes[:10]),
        "",
    ]
    return rows, details
