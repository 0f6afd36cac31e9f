"""Fixtures for adapter tests: the cassette recorder (the loopback server is in tests/conftest.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import vcr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `support` lives in tests/

from support.recording import recorder


@pytest.fixture
def cassettes(request: pytest.FixtureRequest) -> vcr.VCR:
    mode = request.config.getoption("--record-mode", default=None) or "none"
    return recorder(mode)

