"""What `ecocompute` does for its start-up time (benchmarks/cold_start.py measures it) changes no output."""

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecocompute.cli import ONE_SHOT, main
from ecocompute.examples import EXAMPLES


def _command(*argv: str) -> subprocess.CompletedProcess[str]:
    """`ecocompute ARGV` as its own process (main() without argv: the console script's path)."""
    return subprocess.run([sys.executable, "-m", "ecocompute.cli", *argv], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("argv", [[], ["--version"], ["--help"]])
def test_the_cli_alone_imports_no_pydantic_and_no_command(argv: list[str]) -> None:
    code = ("import sys, contextlib, io, ecocompute.cli\n"
            f"sys.argv = ['ecocompute', *{argv!r}]\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    ecocompute.cli.main()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' or m.startswith('ecocompute.commands.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"


def test_help_without_the_commands_arguments_is_the_same_text() -> None:
    from ecocompute.cli import build_parser

    assert build_parser(with_command_arguments=False).format_help() == build_parser().format_help()


@pytest.mark.parametrize("name", ["lookup_measurement", "estimate_cost", "audit_code"])
def test_a_tool_run_as_the_command_prints_what_main_prints(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["tool", name, "--args", json.dumps(EXAMPLES[name])]
    assert "tool" in ONE_SHOT
    assert main(argv) == 0
    in_process = capsys.readouterr().out
    done = _command(*argv)
    assert (done.returncode, done.stderr, done.stdout) == (0, "", in_process)


def test_an_error_run_as_the_command_is_the_same_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["tool", "lookup_measurement", "--args", '{"gpu": "rtx9999"}']
    assert main(argv) == 2
    in_process = capsys.readouterr().err
    done = _command(*argv)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", in_process)
    assert in_process.startswith("ecocompute: Unknown GPU")


def test_main_with_argv_leaves_the_garbage_collector_alone(capsys: pytest.CaptureFixture[str]) -> None:
    frozen = gc.get_freeze_count()
    assert main(["tool", "lookup_measurement", "--args", json.dumps(EXAMPLES["lookup_measurement"])]) == 0
    capsys.readouterr()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def _modules_after(argv: list[str], prefixes: tuple[str, ...]) -> list[str]:
    """The modules starting with one of `prefixes` that `main(argv)` imported, in a fresh process."""
    code = ("import sys, contextlib, io\nfrom ecocompute.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main({argv!r})\n"
            f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))")
    done = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, timeout=60,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_what_a_call_does_not_need_is_not_imported(tmp_path: Path) -> None:
    findings = ["tool", "read_reference", "--args", json.dumps(EXAMPLES["read_reference"])]
    assert _modules_after(findings, ("jinja2", "ecocompute.prompting")) == []
    estimate = ["tool", "estimate_cost", "--args", json.dumps(EXAMPLES["estimate_cost"])]
    assert _modules_after(estimate, ("ecocompute.tools.compare", "ecocompute.tools.place_names")) == []
    source = tmp_path / "serve.py"
    source.write_text(EXAMPLES["audit_code"]["source"], encoding="utf-8")
    audit = ["audit", str(source), "--fail-on", "never"]
    assert _modules_after(audit, ("multiprocessing", "concurrent.futures", "ecocompute.tools.common")) == []


@pytest.mark.parametrize(("target", "collects"), [("file", False), ("directory", True)])
def test_an_audit_runs_without_the_collector_unless_it_walks_a_tree(tmp_path: Path, target: str, collects: bool) -> None:
    (tmp_path / "serve.py").write_text(EXAMPLES["audit_code"]["source"], encoding="utf-8")
    path = tmp_path / "serve.py" if target == "file" else tmp_path
    code = ("import contextlib, gc, io, sys\nfrom ecocompute.cli import main\n"
            f"sys.argv = ['ecocompute', 'audit', {str(path)!r}, '--fail-on', 'never']\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    main()\nprint(gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == str(collects)
