"""`ecocompute ask` end to end through `main(argv)` on the offline engine (no key, no network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ecocompute import i18n, protocols
from ecocompute.cli import main

DONE_WHEN = "We run Mistral-7B with load_in_8bit=True on an RTX 4090D and energy is high"


def heading(protocol: str, translate: Callable[[str], str] = str) -> str:
    """The first heading of a protocol's answer, from the protocols table (`translate` turns its text)."""
    first = protocols.get(protocol).sections[0]
    return f"{'#' * first.level} {translate(first.heading)}"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECOCOMPUTE_MODEL", raising=False)


def test_done_when_question_gives_a_grounded_diagnosis(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", DONE_WHEN, "--json", "--strict"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == "offline"
    assert heading("DIAGNOSE") in out["answer"] and "llm_int8_threshold=0.0" in out["answer"]
    assert "accuracy" in out["answer"].lower()
    names = [c["name"] for c in out["tool_calls"]]
    assert "diagnose" in names and "compare_precisions" in names
    diag = next(c for c in out["tool_calls"] if c["name"] == "diagnose")
    assert diag["result"]["primary_pattern"] == "int8_decomposition"
    assert out["grounding"]["ok"] and not out["grounding"]["unverified"]
    measured = {r["measured"]["row_id"] for c in out["tool_calls"] if c["name"] == "compare_precisions"
                for t in c["result"]["tables"] for r in t["rows"] if r["measured"]}
    assert any(row in out["answer"] for row in measured)


def test_text_output_shows_answer_chart_and_grounding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Compare FP16, NF4 and INT8 for Mistral-7B on the RTX 4090D", "--show-tools"]) == 0
    out = capsys.readouterr().out
    assert heading("COMPARE") in out and "compare_precisions" in out
    assert "█" in out
    assert "Grounding:" in out and "Every number in the answer is traced" in out


def test_plot_writes_an_svg_from_tool_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "chart.svg"
    assert main(["ask", "Compare precisions for Mistral-7B on the A800", "--plot", str(target)]) == 0
    svg = target.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<rect") > 2
    assert "fp16" in svg


def test_png_plot_is_refused_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Compare precisions for Mistral-7B on the A800", "--plot", "x.png"]) == 2
    assert "SVG" in capsys.readouterr().err


def test_file_is_attached_and_audited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = tmp_path / "serve.py"
    code.write_text('from transformers import AutoModelForCausalLM\n'
                    'model = AutoModelForCausalLM.from_pretrained("mistralai/Mistral-7B-v0.1", load_in_8bit=True)\n',
                    encoding="utf-8")
    assert main(["ask", "Audit this file", "--file", str(code), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    call = out["tool_calls"][0]
    assert call["name"] == "audit_code" and call["arguments"]["filename"] == "serve.py"
    assert "load_in_8bit=True" in call["arguments"]["source"]
    assert f"{heading('AUDIT')}: serve.py" in out["answer"]


def test_unreadable_file_is_one_sentence_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Audit this", "--file", str(tmp_path / "missing.py")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecocompute: Cannot read") and "Traceback" not in err


def test_unknown_provider_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "hi", "-m", "nosuch:model"]) == 3
    assert "Unknown model provider" in capsys.readouterr().err


def test_model_comes_from_the_environment_in_the_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ECOCOMPUTE_MODEL", "nosuch:model")
    assert main(["ask", "hi"]) == 3
    capsys.readouterr()
    assert main(["ask", "Compare precisions for Mistral-7B on the A800", "-m", "offline", "--json"]) == 0


def test_missing_key_is_a_provider_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["ask", "hi", "-m", "openai:some-model"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_strict_fails_on_an_unverified_number(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "steps.json"
    script.write_text(json.dumps([{"text": "FP16 uses 1234.5 J per 1k tokens here."}]), encoding="utf-8")
    assert main(["ask", "Compare precisions for Mistral-7B on the A800", "-m", f"scripted:{script}", "--strict"]) == 1
    out = capsys.readouterr().out
    assert "unverified" in out and "1234.5" in out


def test_chinese_question_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    question = "每天10万次请求，Mistral-7B 在 A800 上用 FP16，每月电费多少？"
    assert main(["ask", question, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    call = out["tool_calls"][0]
    assert call["name"] == "estimate_cost"
    assert (call["arguments"]["volume"], call["arguments"]["volume_unit"]) == (100000, "requests_per_day")
    with i18n.using("zh"):
        assert heading("ESTIMATE", translate=i18n.tr) in out["answer"]  # a Chinese question gets a Chinese answer


def test_chat_keeps_history_and_switches_model(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = iter(["Compare precisions for Mistral-7B on the RTX 4090D", "and on the A800?", "/model offline", "/exit"])
    monkeypatch.setattr("rich.console.Console.input", lambda self, prompt="": next(lines))
    assert main(["chat", "--show-tools"]) == 0
    out = capsys.readouterr().out
    assert '"gpu": "a800"' in out and '"model": "Mistral-7B"' in out
    assert "Now using offline" in out
