"""A command whose optional dependencies are missing ends in one sentence naming the install command."""

from __future__ import annotations

import json
import sys

import pytest

from ecocompute import extras
from ecocompute.cli import main

CASES = [
    (("mcp",), "mcp", "mcp"),
    (("ask", "hi", "-m", "openai:some-model"), "openai", "openai"),
    (("ask", "hi", "-m", "anthropic:some-model"), "anthropic", "anthropic"),
    (("eval", "--scenarios", "evals/scenarios/int8.yaml"), "yaml", "evals"),
]


@pytest.mark.parametrize(("argv", "module", "extra"), CASES)
def test_missing_extra_is_one_sentence_and_exit_2(argv: tuple[str, ...], module: str, extra: str,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now fails as if it were not installed
    for loaded in [m for m in sys.modules if m.startswith(("ecocompute.mcp_server", "ecocompute.providers.",
                                                            "ecocompute.evalkit"))]:
        monkeypatch.delitem(sys.modules, loaded)
    assert main(list(argv)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"'{extra}'" in err and f"[{extra}]" in err and "-m pip install" in err


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
