"""Input grounding: a stated number must reach a tool or be named in the answer as not used."""

from __future__ import annotations

from ecocompute.evalkit.grading import input_grounding
from ecocompute.evalkit.schema import Expect
from ecocompute.input_grounding import check_inputs
from ecocompute.messages import Message, ToolCall, ToolResult, ToolRun, Transcript
from ecocompute.registry import run_tool

QUESTION = "3 million chat requests a month on Mistral-7B, A800, replies of 200 tokens. Monthly cost?"


def _transcript(args: dict, answer: str) -> Transcript:
    outcome = run_tool("estimate_cost", args)
    call = ToolCall(id="c1", name="estimate_cost", arguments=args)
    result = ToolResult(call_id="c1", name="estimate_cost", content=outcome.as_text(), is_error=outcome.is_error)
    run = ToolRun(turn=1, call=call, result=result, seconds=0.0)
    messages = [Message.user(QUESTION), Message.assistant("", [call]), Message.tool([result]), Message.assistant(answer)]
    return Transcript(model_id="test", messages=messages, tool_runs=[run])


def test_an_answer_that_uses_defaults_instead_of_the_stated_volume_drops_it() -> None:
    transcript = _transcript({"gpu": "a800", "model": "Mistral-7B", "requests_per_month": 1_000_000, "tokens_per_request": 256},
                             "The monthly cost is given by the tool.")
    report = check_inputs(transcript)
    assert {d.text.strip() for d in report.dropped} == {"3 million", "200"}
    verdict = input_grounding(transcript, Expect())
    assert not verdict.passed and "3 million" in verdict.why


def test_stated_quantities_passed_to_the_tool_are_used() -> None:
    transcript = _transcript({"gpu": "a800", "model": "Mistral-7B", "requests_per_month": 3_000_000, "tokens_per_request": 200},
                             "The monthly cost is given by the tool.")
    report = check_inputs(transcript)
    assert report.ok
    assert {s.status for s in report.stated if s.text.strip() in ("3 million", "200")} == {"used"}


def test_a_number_named_as_not_used_with_a_reason_is_accepted() -> None:
    transcript = _transcript({"gpu": "a800", "model": "Mistral-7B", "requests_per_month": 3_000_000},
                             "> Note: 200 (stated in the question) is not used: the reply length is unknown to this tool.")
    report = check_inputs(transcript)
    assert report.ok
    assert [s.status for s in report.stated if s.text.strip() == "200"] == ["named"]


def test_names_and_precision_widths_are_not_inputs() -> None:
    question = "Is 4-bit NF4 better than FP16 for Mistral-7B on an RTX 4090D?"
    messages = [Message.user(question), Message.assistant("No.")]
    report = check_inputs(Transcript(model_id="t", messages=messages))
    assert report.ok and {s.status for s in report.stated} <= {"skipped"}


def test_an_impossible_value_that_reached_the_tool_counts_as_used() -> None:
    args = {"gpu": "a800", "model": "Mistral-7B", "requests_per_month": -500}
    transcript = _transcript(args, "The tool rejected the volume.")
    transcript.messages[0] = Message.user("Monthly cost for -500 requests per month of Mistral-7B on A800?")
    assert transcript.tool_runs[0].result.is_error
    assert check_inputs(transcript).ok


def test_the_offline_engine_names_what_it_cannot_pass() -> None:
    from ecocompute.loop import run_agent
    from ecocompute.providers.offline import OfflineModel

    transcript = run_agent(OfflineModel(), "Llama-3.1-70B on 4 H100s with vLLM, 1M requests a month: monthly cost?", system="")
    report = check_inputs(transcript)
    assert report.ok, report.dropped
    named = [s for s in report.stated if s.status == "named"]
    assert [s.text.strip() for s in named] == ["4"]
    assert any("not used" in line and "4 (stated" in line for line in transcript.answer.splitlines())
