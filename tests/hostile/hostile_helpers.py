"""Helpers for the hostile-input suite: CLI outcomes, a clean environment, subprocess CLI runs.

(Kept out of conftest.py so that test modules import them by a unique name.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

SUBPROCESS_TIMEOUT = 120
ECOCOMPUTE = Path(sys.executable).with_name("ecocompute")


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    def assert_one_sentence(self) -> None:
        """stderr is one non-empty `ecocompute: ...` line, with no traceback."""
        assert "Traceback" not in self.err and "Traceback" not in self.out, self.err[-2000:]
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert len(lines) == 1, self.err[-2000:]
        assert lines[0].startswith("ecocompute:") and len(lines[0]) > len("ecocompute: ") + 10


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: no API keys or model defaults from the caller."""
    env = {k: v for k, v in os.environ.items()
           if not k.endswith("_API_KEY") and not k.startswith(("ECOCOMPUTE_", "OPENAI_", "ANTHROPIC_"))}
    env.update(NO_COLOR="1", COLUMNS="120", **extra)
    return env


def run_cli(*argv: str, cwd: str | Path | None = None, timeout: float = SUBPROCESS_TIMEOUT,
            env: dict[str, str] | None = None) -> Outcome:
    """Run the installed console script in a fresh process (a crash here cannot take pytest down)."""
    proc = subprocess.run([str(ECOCOMPUTE), *argv], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=env or clean_env())
    return Outcome(proc.returncode, proc.stdout, proc.stderr)
