from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecocompute.cli import main

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run `ecocompute ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def audit_json(run_cli):
    def run(*args: str) -> tuple[int, dict]:
        code, out, _ = run_cli("audit", "--format", "json", *args)
        return code, json.loads(out)

    return run
