"""A command whose optional dependencies are missing ends in one sentence naming the install command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecocompute import extras
ROOT = Path(__file__).resolve().parents[2]
CASES = [
    (("mcp",), "mcp", "mcp"),
    (("ask", "hi", "-m", "openai:some-model"), "openai", "openai"),
    (("ask", "hi", "-m", "anthropic:some-model"), "anthropic", "anthropic"),
    (("eval", "--scenarios", "evals/scenarios/int8.yaml"), "yaml", "evals"),
]


@pytest.mark.parametrize(("argv", "module", "extra"), CASES)
def test_missing_extra_is_one_sentence_and_exit_2(argv: tuple[str, ...], module: str, extra: str) -> None:
    # a fresh process where `import module` fails as if the extra were not installed
    code = (f"import sys; sys.modules[{module!r}] = None; from ecocompute.cli import main; "
            f"raise SystemExit(main({list(argv)!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, cwd=ROOT)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"'{extra}'" in done.stderr and f"[{extra}]" in done.stderr and "-m pip install" in done.stderr


def test_an_unrelated_missing_module_is_a_bug_not_an_extra() -> None:
    assert extras.missing_extra_sentence(ModuleNotFoundError("x", name="numpy"), "ecocompute ask") is None


@pytest.mark.parametrize(("origin", "expected"), [
    (None, "ecocompute[mcp]"),
    ({"url": "https://example.org/eco.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
     "ecocompute[mcp] @ git+https://example.org/eco.git@abc123"),
    ({"url": "file:///src/eco", "dir_info": {"editable": True}}, "-e '/src/eco[mcp]'"),
    ({"url": "file:///dl/ecocompute-0.1.0-py3-none-any.whl", "archive_info": {}}, "/dl/ecocompute-0.1.0-py3-none-any.whl[mcp]"),
])
def test_install_command_follows_how_this_copy_was_installed(origin: dict | None, expected: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extras, "_direct_url", lambda: json.loads(json.dumps(origin)))
    command = extras.install_command("mcp", python="python3")
    assert command.startswith("python3 -m pip install ") and expected in command
