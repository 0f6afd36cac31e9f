"""Root test configuration: options that must exist before sub-directory conftests load."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # `support` (loopback server, cassette recorder)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--record-mode", default="none",
                     help="vcrpy record mode for cassettes: none (replay only), once, new_episodes, all")
