"""The one console and the one sanitiser: escapes shown not executed, pipes not wrapped, closed pipes exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecocompute import console
from ecocompute.cli import main

ECOCOMPUTE = Path(sys.executable).with_name("ecocompute")
# what a hostile model, server, file or file name can put in a string
ATTACKS = {
    "title": "\x1b]0;pwned\x07",
    "osc8 link": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "osc52 clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "clear screen": "\x1b[2J\x1b[H",
    "c1 csi": "\x9b31m",
    "c1 osc": "\x9d0;t\x9c",
    "carriage return": "ok\rFAKE",
    "bidi override": "\u202eevil",
    "lone surrogate": "name\udcff",
    "rich markup": "[/] [bold red]x[/]",
}
TERMINAL_ACTIVE = set(map(chr, [*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0)])) | set("\u202e")


def _visible_only(text: str) -> bool:
    return not (set(text) & TERMINAL_ACTIVE) and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@pytest.mark.parametrize("name", ATTACKS)
def test_sanitize_shows_every_escape_instead_of_running_it(name: str) -> None:
    safe = console.sanitize(f"before {ATTACKS[name]} after")
    assert _visible_only(safe)
    assert safe.startswith("before ") and safe.endswith(" after")
    safe.encode("utf-8")  # strict UTF-8 never raises


def test_sanitize_keeps_text_newlines_and_shows_them_for_one_line() -> None:
    assert console.sanitize("a\n\tb") == "a\n\tb"
    assert console.sanitize("a\nb\r", oneline=True) == "a\\nb\\r"
    assert console.sanitize("caf\udce9.py") == "caf\\xe9.py"  # the byte a non-UTF-8 file name had


def test_markup_is_escaped_on_request_and_prints_literally() -> None:
    from rich.console import Console

    rc = Console(file=__import__("io").StringIO(), width=200, color_system=None)
    rc.print(f"[bold]{console.sanitize(ATTACKS['rich markup'], markup=True)}[/]")
    assert rc.file.getvalue().strip() == ATTACKS["rich markup"]


@given(st.text())
def test_sanitize_output_is_always_safe_and_encodable(text: str) -> None:
    safe = console.sanitize(text, oneline=True)
    assert _visible_only(safe) and "\n" not in safe
    safe.encode("utf-8")


@given(st.recursive(st.text() | st.integers() | st.none(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)))
def test_json_text_is_the_same_data_with_nothing_to_run(value: object) -> None:
    text = console.json_text(value)
    assert json.loads(text) == value
    assert _visible_only(text.replace("\n", ""))


def test_colour_rule_is_rich_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert console.colour_enabled() is False
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert console.colour_enabled() is True and console.make_console().is_terminal


def test_console_in_a_pipe_neither_wraps_nor_pads(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--gpu", "rtx5090", "--model", "Qwen2-1.5B"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(map(len, lines)) > 80  # 80 is where rich wraps a pipe by default
    assert not [line for line in lines if line != line.rstrip()]
    table = [line for line in lines if line.startswith("│")]
    assert table and all(line.endswith("│") for line in table)
    header = next(line for line in lines if line.startswith("┃"))
    assert table and all(len(line) == len(header) for line in table)  # one physical line per row


def test_width_flag_sets_the_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--gpu", "rtx5090", "--model", "Qwen2-1.5B", "--width", "60"]) == 0
    assert max(map(len, capsys.readouterr().out.splitlines())) <= 60
    console.set_width(None)
    with pytest.raises(SystemExit) as exited:
        main(["compare", "--gpu", "rtx5090", "--model", "Qwen2-1.5B", "--width", "0"])
    assert exited.value.code == 2 and "at least 20" in capsys.readouterr().err


def test_answer_in_a_pipe_is_its_markdown_with_code_lines_intact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = "model.generate(**inputs, max_new_tokens=256)  # " + "a comment long enough to be wrapped " * 4
    script = tmp_path / "steps.json"
    script.write_text(json.dumps([{"text": f"Use this:\n\n```python\n{code}\n```\n"}]), encoding="utf-8")
    assert main(["ask", "How do I generate?", "-m", f"scripted:{script}"]) == 0
    assert code in capsys.readouterr().out.splitlines()


def test_code_block_on_a_terminal_is_not_wrapped() -> None:
    import io

    from ecocompute.rich_parts import PipeConsole

    code = "x = f(a, b)  # " + "word " * 40
    rc = PipeConsole(file=io.StringIO(), width=40, force_terminal=True, color_system=None)
    console.print_markdown(rc, f"Intro.\n\n```python\n{code}\n```\n")
    assert code.rstrip() in [line.rstrip() for line in rc.file.getvalue().splitlines()]


def test_hostile_answer_reaches_the_terminal_shown_not_executed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answer = " ".join(ATTACKS.values())
    script = tmp_path / "steps.json"
    script.write_text(json.dumps([{"text": answer}]), encoding="utf-8")
    for extra in ([], ["--width", "100"]):
        assert main(["ask", "hi", "-m", f"scripted:{script}", *extra]) == 0
        out = capsys.readouterr().out
        assert _visible_only(out.replace("\n", "").replace("\t", "")) and "\\x1b]52" in out
    console.set_width(None)


def _run_into_closed_pipe(*argv: str) -> subprocess.CompletedProcess[str]:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first write: every write meets a closed pipe
    try:
        return subprocess.run([str(ECOCOMPUTE), *argv], stdout=write, stderr=subprocess.PIPE, text=True, timeout=120,
                              env={**os.environ, "NO_COLOR": "1"})
    finally:
        os.close(write)


@pytest.mark.parametrize("argv", [("compare", "--gpu", "rtx5090", "--model", "Qwen2-1.5B"),
                                  ("lookup", "--gpu", "rtx5090", "--json"), ("tool", "--list")])
def test_closed_pipe_exits_0_quietly(argv: tuple[str, ...]) -> None:
    proc = _run_into_closed_pipe(*argv)
    assert proc.returncode == 0 and proc.stderr == ""


def test_strict_utf8_stdout_never_raises_on_a_non_utf8_argument(tmp_path: Path) -> None:
    proc = subprocess.run([str(ECOCOMPUTE), "lookup", "--gpu", os.fsdecode(b"rtx\xff\x1b]0;t\x07")], capture_output=True,
                          timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict", "NO_COLOR": "1"})
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr and b"\x1b" not in proc.stderr
    question = os.fsdecode("Compare precisions for Mistral-7B on the A800 \xff\x1b]0;t\x07 [/]".encode("latin-1"))
    for extra in ([], ["--json"]):
        proc = subprocess.run([str(ECOCOMPUTE), "ask", question, *extra], capture_output=True, timeout=120,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8:strict", "NO_COLOR": "1", "ECOCOMPUTE_MODEL": "offline"})
        assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert b"\x1b" not in proc.stdout


def test_chat_survives_a_non_utf8_byte_on_stdin() -> None:
    proc = subprocess.run([str(ECOCOMPUTE), "chat"], input=b"hello \xff\xfe there\n/exit\n", capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8:strict", "NO_COLOR": "1", "ECOCOMPUTE_MODEL": "offline"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert b"Traceback" not in proc.stderr
