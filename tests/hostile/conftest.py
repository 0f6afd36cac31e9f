"""Shared helpers for the hostile-input suite: in-process CLI runs and subprocess CLI runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `support` lives in tests/

from support.loopback import ScriptedServer  # noqa: E402

from ecocompute.cli import main  # noqa: E402

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


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # noqa: ANN201 - a callable
    """Run `main(argv)` in-process; argparse's SystemExit becomes an exit code."""

    def run(*argv: str) -> Outcome:
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


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


@pytest.fixture
def loopback() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nobody listens on (bound, then closed), for connection-refused tests."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
