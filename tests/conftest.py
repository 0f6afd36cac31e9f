"""Root test configuration: options that must exist before sub-directory conftests load."""

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # `support` (loopback server, cassette recorder)

from support.loopback import ScriptedServer


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--record-mode", default="none",
                     help="vcrpy record mode for cassettes: none (replay only), once, new_episodes, all")
    parser.addoption("--hostile-long", action="store_true", default=False,
                     help="Run the hostile-input generator's long profile (many more examples; for benchmarks).")


# Tests that open HTTP clients or subprocess pipes; after them a garbage collection makes a leaked
# socket warn (and fail, filterwarnings = error) in the test that leaked it, not at random later.
_NETWORK_TESTS = ("providers", "test_ask", "test_eval", "cassettes", "test_loop", "test_scenarios")


@pytest.fixture(autouse=True)
def _collect_garbage_after_network_tests(request: pytest.FixtureRequest):
    yield
    if any(part in str(request.node.path) for part in _NETWORK_TESTS):
        import gc

        gc.collect()


@pytest.fixture
def loopback() -> Iterator[ScriptedServer]:
    """The scripted OpenAI-/Anthropic-compatible server on 127.0.0.1 (ephemeral port)."""
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nobody listens on (bound, then closed), for connection-refused tests."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
