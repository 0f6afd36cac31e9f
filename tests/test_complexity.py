"""No function in tools/ above cyclomatic complexity 15 (radon, which counts boolean operators and
comprehension conditions; ruff's C901 does not and reports none of these).

A function over the limit is split into small steps named after the decision they make (candidate rows →
constraints → ranking → reasons), never listed as an exception.
"""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 15


def _complexities() -> dict[str, int]:
    out = {}
    for path in sorted((ROOT / "tools").rglob("*.py")):
        for block in cc_visit(path.read_text(encoding="utf-8")):
            name = f"{path.relative_to(ROOT).as_posix()}:{block.fullname}"
            out[name] = max(out.get(name, 0), block.complexity)
    return out


def test_no_function_in_tools_is_above_the_limit() -> None:
    complexities = _complexities()
    assert len(complexities) > 100  # the scan found the tools
    over = {name: c for name, c in complexities.items() if c > LIMIT}
    assert not over, f"split these into named steps (limit {LIMIT}): {over}"
