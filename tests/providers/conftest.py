"""Fixtures for adapter tests: the loopback scripted server and the cassette recorder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import vcr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `support` lives in tests/

from support.loopback import ScriptedServer
from support.recording import recorder


def pytest_addoption(parser: pytest.Parser) -> None:
    try:
        parser.addoption(
            "--record-mode",
            default="none",
            help="vcrpy record mode for cassettes: none (replay only), once, new_episodes, all",
        )
    except ValueError:
        pass  # already registered by a higher conftest


@pytest.fixture
def loopback() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def cassettes(request: pytest.FixtureRequest) -> vcr.VCR:
    mode = request.config.getoption("--record-mode", default=None) or "none"
    return recorder(mode)


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nobody listens on (bound, then closed), for connection-refused tests."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
