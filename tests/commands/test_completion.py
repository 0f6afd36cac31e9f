"""Shell completion generated from the CLI's own parser; nothing of it loads at CLI start."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from ecocompute.cli import COMMANDS, main


def _script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def _complete(script: str, *words: str) -> list[str]:
    """What bash offers after `words` (the last word is the one being completed)."""
    driver = (script + '\nCOMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _ecocompute; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run(["bash", "-c", driver, "bash", "ecocompute", *words], capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_choices_and_nested_commands(capsys: pytest.CaptureFixture[str]) -> None:
    script = _script("bash", capsys)
    assert set(_complete(script, "")) >= set(COMMANDS)
    assert _complete(script, "compare-g") == ["compare-gpus"]
    assert _complete(script, "audit", "--format", "") == ["text", "json", "sarif"]
    assert _complete(script, "export", "") == ["skill", "tools"]
    assert "--gpu" in _complete(script, "lookup", "--")
    assert _complete(script, "ask", "--model", "") == []  # a free value: no file names offered


def test_fish_and_zsh_scripts_cover_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    fish = _script("fish", capsys)
    assert all(f"__fish_use_subcommand -a {name} " in fish for name in COMMANDS)
    assert "-l format -xa 'text json sarif'" in fish
    zsh = _script("zsh", capsys)
    assert zsh.startswith("#compdef ecocompute") and "bashcompinit" in zsh and "complete -o filenames" in zsh
    for shell, text in (("fish", fish), ("zsh", zsh)):
        if shutil.which(shell):
            assert subprocess.run([shell, "-n"], input=text, text=True, timeout=60).returncode == 0


def test_cli_start_imports_neither_rich_nor_the_completion_module() -> None:
    code = ("import sys; from ecocompute.cli import main; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich' or m.endswith('.completion')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
