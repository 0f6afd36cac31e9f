"""The offline engine through the real loop and tools: protocol, tool calls, grounded numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ecocompute import i18n, protocols
from ecocompute.evalkit.graders import by_meaning
from ecocompute.grounding import check_grounding
from ecocompute.loop import run_agent
from ecocompute.messages import Message, Transcript
from ecocompute.offline.parse import parse
from ecocompute.protocols import PROTOCOLS
from ecocompute.providers.base import make_model
from ecocompute.providers.offline import OfflineModel

QUESTIONS = yaml.safe_load((Path(__file__).parent / "offline_questions.yaml").read_text(encoding="utf-8"))


def _first_headings(language: str) -> dict[str, str]:
    """Each protocol's first heading as answers in `language` write it (the table's, through the catalog)."""
    with i18n.using(language):
        return {p.name: f"{'#' * p.sections[0].level} {i18n.tr(p.sections[0].heading)}" for p in PROTOCOLS}


HEADINGS, HEADINGS_ZH = _first_headings("en"), _first_headings("zh")
FOOTER_MARK = {"en": "not a language model", "zh": "不是语言模型"}


def ask(conversation: str | list[Message]) -> Transcript:
    return run_agent(OfflineModel(), conversation, system="")


def _matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    """Every expected argument is in the call, by meaning (an earlier spelling is the same argument)."""
    made = by_meaning(expected["name"], actual, complete=True)
    return all(made.get(k) == v for k, v in by_meaning(expected["name"], expected.get("args", {}), complete=False).items())


def assert_calls(transcript: Transcript, expected: list[dict[str, Any]]) -> None:
    made = [(r.call.name, r.call.arguments) for r in transcript.tool_runs]
    for want in expected:
        assert any(name == want["name"] and _matches(want, args) for name, args in made), (want, made)


def assert_grounded(transcript: Transcript, *, numbers: bool = True) -> None:
    report = check_grounding(transcript)
    if numbers:
        assert report.verified, "an answer built from tool results states measured numbers"
    assert not report.unverified, [(g.text, g.note) for g in report.unverified]


@pytest.mark.parametrize("case", QUESTIONS, ids=[c["id"] for c in QUESTIONS])
def test_question(case: dict[str, Any]) -> None:
    assert parse(case["q"]).language == case.get("language", "en")
    transcript = ask(case["q"])
    answer = transcript.answer
    language = case.get("language", "en")
    assert (HEADINGS_ZH if language == "zh" else HEADINGS)[case["protocol"]] in answer, answer[:400]
    assert_calls(transcript, case["calls"])
    assert_grounded(transcript, numbers=case.get("numbers", True))
    assert FOOTER_MARK[language] in answer
    for text in case.get("expect_text", []):
        assert text in answer


def test_question_set_is_broad() -> None:
    by_protocol = {p: sum(c["protocol"] == p for c in QUESTIONS) for p in HEADINGS}
    assert len(QUESTIONS) >= 40
    assert min(by_protocol.values()) >= 5, by_protocol
    assert sum(c.get("language") == "zh" for c in QUESTIONS) >= 10


def test_done_when_question_recommends_the_threshold_fix_with_measured_numbers() -> None:
    transcript = ask("We run Mistral-7B with load_in_8bit=True on an RTX 4090D and energy is high")
    answer = transcript.answer
    diagnose = [s.markdown for s in protocols.get("DIAGNOSE").sections[:3]]
    assert answer.index(diagnose[0]) < answer.index(diagnose[1]) < answer.index(diagnose[2])
    assert "llm_int8_threshold=0.0" in answer and "accuracy" in answer.lower()
    measured = [r for r in transcript.tool_runs if r.call.name == "compare_precisions"][0]
    assert '"basis": "measured"' in measured.result.content
    report = check_grounding(transcript)
    assert any(g.source and g.source.startswith("compare_precisions") for g in report.verified)
    assert not report.unverified


def test_first_reply_is_tool_calls_then_an_answer_from_their_results() -> None:
    model = OfflineModel()
    first = model.complete("", [Message.user("Compare precisions for Mistral-7B on the A800")], _tools())
    assert [c.name for c in first.tool_calls] == ["compare_precisions"] and not first.text
    transcript = ask("Compare precisions for Mistral-7B on the A800")
    assert len(transcript.turns) == 2 and transcript.turns[-1].tool_calls == 0


def test_follow_up_keeps_model_and_protocol_and_changes_the_gpu() -> None:
    first = ask("Compare precisions for Mistral-7B on the RTX 4090D")
    second = ask(first.messages + [Message.user("and on the A800?")])
    call = second.tool_runs[-1].call
    assert call.name == "compare_precisions"
    assert call.arguments["gpu"] == "a800" and call.arguments["model"] == "Mistral-7B"
    assert_grounded(second)


def test_follow_up_in_chinese_changes_the_volume() -> None:
    first = ask("How much would 1M requests per month cost with Mistral-7B on an A800?")
    second = ask(first.messages + [Message.user("那每月200万次请求呢？")])
    args = [r for r in second.tool_runs if r.call.name == "estimate_cost"][-1].call.arguments
    assert (args["volume"], args["volume_unit"], args["gpu"]) == (2_000_000, "requests_per_month", "a800")
    assert HEADINGS_ZH["ESTIMATE"] in second.answer
    assert_grounded(second)


def test_tools_not_offered_are_not_called() -> None:
    transcript = run_agent(OfflineModel(), "Compare precisions for Mistral-7B on the A800", system="", tools=())
    assert transcript.tool_runs == []
    assert "No tool returned data" in transcript.answer


def test_make_model_builds_the_offline_engine() -> None:
    assert make_model("offline").id == "offline"


def test_stated_assumptions_are_echoed_by_the_tools() -> None:
    transcript = ask("Estimate the monthly cost of Mistral-7B on an A800")
    args = transcript.tool_runs[0].call.arguments
    assert args["tokens_per_request"] == 256 and args["region"] == "us"
    assert "256 generated tokens per request assumed" in transcript.answer
    assert_grounded(transcript)


def _tools():
    from ecocompute.registry import TOOLS

    return TOOLS


@pytest.mark.parametrize(("question", "tool", "error"), [
    ("Look up Mistral-7B FP16 on the RTX 4090D at batch size 0.", "lookup_measurement", "greater than or equal to 1"),
    ("Compare precisions for Qwen2.5-3B on a T4 at batch size 0", "compare_precisions", "greater than or equal to 1"),
    ("Estimate the monthly cost of Mistral-7B on an A800 for -2000 requests per day", "estimate_cost", "greater than 0"),
    ("Compare precisions for Mistral-7B on an RTX 4099D", "compare_precisions", "Did you mean 'rtx4090d'"),
    ("Compare INT3 and FP16 for Mistral-7B on an A800", "lookup_measurement", "Unknown precision 'INT3'"),
])
def test_invalid_input_reaches_the_tool_and_its_error_is_reported(question: str, tool: str, error: str) -> None:
    transcript = ask(question)
    failed = [r for r in transcript.tool_runs if r.call.name == tool and r.result.is_error]
    assert failed, [(r.call.name, r.call.arguments) for r in transcript.tool_runs]
    assert error in transcript.answer
    assert not any(r.call.name == tool and not r.result.is_error and r.call.arguments.get("batch_size") is None
                   for r in transcript.tool_runs if "batch size 0" in question), "an invalid batch size is never retried away"
    assert_grounded(transcript, numbers=False)


def test_unmeasured_lookup_says_so_and_lists_what_is_measured() -> None:
    transcript = ask("Look up Llama-3.1-8B on an H100 with vLLM at batch size 1")
    assert "No measured row" in transcript.answer and "batch sizes measured for the other filters" in transcript.answer
    assert_grounded(transcript, numbers=False)


def test_follow_up_that_names_no_model_keeps_the_model() -> None:
    first = ask("Compare precisions for TinyLlama-1.1B on an RTX 4090D.")
    second = ask(first.messages + [Message.user("So which precision should I use for a production API? Recommend a configuration.")])
    rec = [r for r in second.tool_runs if r.call.name == "recommend_config"][-1]
    assert rec.call.arguments["model"] == "TinyLlama-1.1B"
    assert "Precision: **FP16**" in second.answer


def test_region_default_follows_the_language_and_is_stated() -> None:
    zh = ask("我们每天有10万次请求，用RTX 4090D跑Qwen2.5-7B，每月电费多少？")
    en = ask("We serve 100k requests a day with Qwen2.5-7B on an RTX 4090D. What is the monthly bill?")
    regions = [next(r.call.arguments["region"] for r in t.tool_runs if r.call.name == "estimate_cost") for t in (zh, en)]
    assert regions == ["china", "us"]
    assert "假设为中国电网和电价" in zh.answer and "US grid and price assumed" in en.answer
    assert_grounded(zh)
