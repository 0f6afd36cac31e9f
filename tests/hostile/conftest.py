"""Fixtures for the hostile-input suite: the in-process CLI and the loopback scripted server."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `support` lives in tests/
sys.path.insert(0, str(Path(__file__).resolve().parent))  # hostile_helpers

from hostile_helpers import Outcome

from ecocompute.cli import main


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `main(argv)` in-process; argparse's SystemExit becomes an exit code."""

    def run(*argv: str) -> Outcome:
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many generated inputs each hostile family ran (for the benchmark table)."""
    from strategies import COUNTS

    if COUNTS:
        counts = ", ".join(f"{name} {n}" for name, n in sorted(COUNTS.items()))
        terminalreporter.write_line(f"hostile inputs per family: {counts}")
