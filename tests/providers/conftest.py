"""Fixtures for adapter tests: the cassette recorder (the loopback server is in tests/conftest.py)."""

from __future__ import annotations

import pytest
import vcr
from support.recording import recorder


@pytest.fixture
def cassettes(request: pytest.FixtureRequest) -> vcr.VCR:
    mode = request.config.getoption("--record-mode", default=None) or "none"
    return recorder(mode)

