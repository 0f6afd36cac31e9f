"""Audit the running interpreter's standard library and time it next to a bare `ast.parse`.

Run: /work/venv/bin/python tests/tools/audit/bench_stdlib.py [STDLIB_DIR]
Both sides read every file as bytes; the baseline only parses, the audit parses, walks the files that
mention a trigger identifier once, runs the rules and builds reports. Best of three runs each.
"""

from __future__ import annotations

import ast
import sys
import sysconfig
import time

from ecocompute.tools.audit.report import counts
from ecocompute.tools.audit.walk import audit_paths, targets


def bare_parse(paths: list[str]) -> int:
    failures = 0
    for path in paths:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            ast.parse(data, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            failures += 1
    return failures


def best(func, *args) -> tuple[float, object]:
    times, result = [], None
    for _ in range(3):
        start = time.perf_counter()
        result = func(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    root = sys.argv[1] if len(sys.argv) > 1 else sysconfig.get_paths()["stdlib"]
    paths = [t.path for t in targets([root])]
    bare_s, failures = best(bare_parse, paths)
    audit_s, reports = best(audit_paths, [root])
    errors = [r for r in reports if r.error]
    print(f"root {root}")
    print(f"files {len(reports)} lines {sum(r.lines for r in reports)} not parsed {len(errors)} (bare: {failures})")
    print(f"findings {counts(reports)}")
    print(f"bare ast.parse {bare_s:.2f}s  audit {audit_s:.2f}s  ratio {audit_s / bare_s:.2f}")
    for report in errors:
        print(f"  {report.uri}: {report.error}")


if __name__ == "__main__":
    main()
