"""Grounding: numbers in an answer traced to tool results or the question, made-up ones flagged.

Tool results here are synthetic fixtures (not measurements), except the last tests, which take
their numbers from the real `lookup_measurement` result at run time.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ecocompute.grounding import GroundingReport, check_grounding, extract_numbers
from ecocompute.messages import Message, ToolCall, ToolResult, ToolRun, Transcript
from ecocompute.registry import run_tool

RESULT = {
    "rows": [
        {"row_id": "M1", "throughput_tok_s": 36.18, "power_w": 156.81,
         "energy_j_per_1k_tok": 4334.0, "batch_size": 16},
        {"row_id": "M2", "throughput_tok_s": 41.5, "power_w": 201.2,
         "energy_j_per_1k_tok": 2890.0, "batch_size": 64},
    ],
    "delta_vs_fp16_pct": -12.5,
    "share": 0.123,
    "energy_ratio": 1.3,
    "kwh_per_day": 2.5,
    "low_pct": 10,
    "high_pct": 20,
    "formula": "0.58 kWh x 30 days",
}


def _transcript(answer: str, question: str = "How much energy?", result: Any = RESULT,
                is_error: bool = False, tool: str = "estimate_cost") -> Transcript:
    call = ToolCall(id="c1", name=tool, arguments={})
    content = json.dumps(result)
    res = ToolResult(call_id="c1", name=tool, content=content, is_error=is_error)
    return Transcript(
        model_id="scripted",
        messages=[Message.user(question), Message.assistant("", [call]), Message.tool([res]),
                  Message.assistant(answer)],
        tool_runs=[ToolRun(turn=1, call=call, result=res, seconds=0.0)],
    )


def _check(answer: str, **kwargs: Any) -> GroundingReport:
    return check_grounding(_transcript(answer, **kwargs))


def _texts(numbers: list) -> list[str]:
    return [n.text for n in numbers]


def test_exact_number_with_thousands_separator_is_verified_with_its_field() -> None:
    report = _check("FP16 uses 4,334 J per 1k tokens.")
    (num,) = report.verified
    assert num.value == 4334.0 and num.unit == "J"
    assert num.source == "estimate_cost.rows[0].energy_j_per_1k_tok"
    assert report.ok


@pytest.mark.parametrize("answer", [
    "36.2 tok/s", "36 tokens/s", "about 36.18 tok/s", "4.33 kJ per 1k tokens", "4.3 kJ",
    "0.157 kW", "157 W", "4,300 J",
])
def test_rounding_and_unit_scalings_are_allowed(answer: str) -> None:
    report = _check(answer)
    assert len(report.verified) == 1 and report.ok, report


@pytest.mark.parametrize("answer", [
    "36.3 tok/s", "4.4 kJ", "4,350 J", "0.16 kW per GPU at 158 W", "4334 W", "5,000 J",
])
def test_off_by_more_than_rounding_or_wrong_dimension_is_unverified(answer: str) -> None:
    report = _check(answer)
    assert report.unverified and not report.ok


def test_unverified_numbers_say_what_was_nearest() -> None:
    (num,) = _check("It uses 4,500 J per 1k tokens.").unverified
    assert "nearest is 4334" in num.note and "energy_j_per_1k_tok" in num.note


def test_percent_signs_fractions_and_magnitudes() -> None:
    report = _check("Δ −12.5% vs FP16; it saves 12.5%; 12.3% of requests; 1.3x the energy (130%).")
    assert _texts(report.verified) == ["−12.5%", "12.5%", "12.3%", "1.3x", "130%"]
    notes = {n.text: n.note for n in report.verified}
    assert notes["12.5%"] == "magnitude" and notes["12.3%"] == "fraction->%"


def test_per_token_and_per_1k_are_scalings() -> None:
    report = _check("That is 4.334 J per token, or 2,890 J/1k tokens.")
    assert _texts(report.verified) == ["4.334 J", "2,890 J"]
    assert report.verified[0].note == "per 1k->per token"


def test_daily_monthly_yearly_are_scalings_other_factors_are_not() -> None:
    report = _check("2.5 kWh per day is 75 kWh per month, about 76 kWh a month, 913 kWh per year.")
    assert _texts(report.verified) == ["2.5 kWh", "75 kWh", "76 kWh", "913 kWh"]
    made_up = _check("That is 80 kWh per month and 150 kWh per month.")
    assert _texts(made_up.unverified) == ["80 kWh", "150 kWh"]


def test_numbers_in_tool_result_strings_count() -> None:
    assert _texts(_check("Each day uses 0.58 kWh.").verified) == ["0.58 kWh"]


def test_ranges_check_both_ends_and_are_not_negative() -> None:
    report = _check("Expect 10-20% savings (10–20%).")
    assert [n.value for n in report.verified] == [10, 20, 10, 20]
    assert all(n.unit == "%" for n in report.verified)
    bad = _check("Expect 10-25% savings.")
    assert _texts(bad.unverified) == ["25%"]


def test_question_numbers_are_sources_including_chinese_wan_and_suffixes() -> None:
    question = "每天10万次请求, 3.4M tokens, 1,200 prompts"
    report = _check("100,000 requests per day (10万), 3,400,000 tokens, 1.2k prompts.", question=question)
    assert _texts(report.verified) == ["100,000", "10万", "3,400,000", "1.2k"]
    assert {n.source for n in report.verified} == {"question"}


def test_names_code_and_identifiers_are_ignored_not_verified() -> None:
    answer = (
        "Mistral-7B on an RTX 4090D with FP16 beats INT8; Qwen2.5-1.5B too. Set "
        "llm_int8_threshold=0.0 and batch_size=8, or use `load_in_4bit=True, max_new_tokens=256`:\n"
        "```python\nmodel.generate(**inputs, max_new_tokens=512)\n```\n"
    )
    report = _check(answer)
    assert report.verified == [] and report.unverified == []
    reasons = {n.text: n.note for n in report.ignored}
    assert reasons["4090"] == "part of a name" and reasons["-1.5"] == "part of a name"
    assert reasons["0.0"] == "code literal"
    assert "inside code" in reasons.values()


def test_list_indices_small_counts_and_years_are_ignored_only_when_unverified() -> None:
    report = _check("1. Use 4 GPUs since 2024.\n2. Batch size 16 wins.\n3) 7 kWh.")
    assert [(n.text, n.note) for n in report.ignored] == [
        ("1", "list index"), ("4", "small count or index"), ("2024", "year"), ("2", "list index"),
        ("3", "list index"),
    ]
    assert _texts(report.verified) == ["16"]
    assert _texts(report.unverified) == ["7 kWh"]  # a small number with a unit is a claim


def test_error_results_are_not_sources() -> None:
    report = _check("It uses 4,334 J.", is_error=True)
    assert _texts(report.unverified) == ["4,334 J"]


def test_markdown_table_numbers_are_checked() -> None:
    answer = (
        "| precision | tok/s | J/1k tok | Δ |\n|---|---|---|---|\n"
        "| FP16 | 36.18 | 4334 | — |\n| NF4 | 41.5 | 2890 | -33.3% |\n"
    )
    report = _check(answer)
    assert _texts(report.verified) == ["36.18", "4334", "41.5", "2890"]
    assert _texts(report.unverified) == ["-33.3%"]


def test_an_answer_made_of_invented_numbers_is_flagged_everywhere() -> None:
    answer = "INT8 costs 27.4% more energy, 5,120 J per 1k tokens, 0.91 kWh daily and $38.20/month."
    report = _check(answer)
    assert report.verified == [] and len(report.unverified) == 4


def test_report_serialises() -> None:
    data = json.loads(_check("4,334 J and 99 kWh").model_dump_json())
    assert {"verified", "unverified", "ignored"} <= set(data)


def test_extract_handles_currency_negative_and_unicode_minus() -> None:
    values = [(m.text, m.value, m.unit) for m in extract_numbers("$1,234.56, -3.5 W, −2 kJ, 2 million")]
    assert values == [("$1,234.56", 1234.56, "$"), ("-3.5 W", -3.5, "W"), ("−2 kJ", -2.0, "kJ"),
                      ("2 million", 2e6, None)]


def _real_lookup() -> tuple[dict[str, Any], dict[str, Any]]:
    outcome = run_tool("lookup_measurement", {"gpu": "A800", "model": "Mistral-7B", "batch_size": 1})
    assert not outcome.is_error and outcome.content["rows"]
    return outcome.content, outcome.content["rows"][0]


def test_numbers_taken_from_a_real_tool_result_verify() -> None:
    content, row = _real_lookup()
    answer = (f"Mistral-7B on the A800 ({row['precision'].upper()}, batch 1): "
              f"{row['throughput_tok_s']:.1f} tok/s at {row['power_w']:.0f} W, "
              f"{row['energy_j_per_1k_tok'] / 1000:.2f} kJ per 1k tokens (row {row['row_id']}).")
    report = check_grounding(_transcript(answer, result=content, tool="lookup_measurement"))
    assert report.ok, report.unverified
    measured = [n for n in report.verified if n.unit]
    assert len(measured) == 3
    assert all(n.source.startswith("lookup_measurement.rows[") for n in measured)


def test_a_number_scaled_away_from_the_real_result_is_flagged() -> None:
    content, row = _real_lookup()
    invented = row["energy_j_per_1k_tok"] * 1.37
    report = check_grounding(_transcript(f"It needs {invented:,.0f} J per 1k tokens.",
                                         result=content, tool="lookup_measurement"))
    assert len(report.unverified) == 1 and not report.ok
