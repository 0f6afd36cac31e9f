"""The one snapshot helper: contract surfaces (exported tool schemas, the MCP tools/list) compared as JSON
text, rendered prompts and output formats compared as they are.

Regenerate after an intended change with `ECOCOMPUTE_UPDATE_SNAPSHOTS=1 pytest tests/test_mcp_server.py
tests/commands/test_export.py tests/test_prompting.py` and commit the diff: it is the change integrators see.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import pytest

SNAPSHOTS = Path(__file__).parent
UPDATE_ENV = "ECOCOMPUTE_UPDATE_SNAPSHOTS"
REGENERATE = f"{UPDATE_ENV}=1 pytest tests/test_mcp_server.py tests/commands/test_export.py tests/test_prompting.py"


def assert_snapshot(name: str, data: object) -> None:
    """Compare `data` (a str as is, anything else as JSON) with `tests/snapshots/NAME`, or rewrite it."""
    path = SNAPSHOTS / name
    text = data if isinstance(data, str) else json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"Snapshot {name} does not exist yet; create it with: {REGENERATE}", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if expected != text:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            f"tests/snapshots/{name} (committed)", "now", n=2))
        pytest.fail(f"{name} changed: this is a contract surface integrators depend on. If the change "
                    f"is intended, regenerate with `{REGENERATE}` and commit the diff.\n{diff[:8000]}",
                    pytrace=False)
