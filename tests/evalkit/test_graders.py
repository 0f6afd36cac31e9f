"""Graders on answers that must pass and answers that must fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from transcripts import result_of, transcript_with

from ecocompute import i18n, protocols
from ecocompute.evalkit import graders
from ecocompute.evalkit.grading import grade, grounding
from ecocompute.evalkit.schema import Expect, Pattern, Scenario, load_file

SCENARIOS = Path(__file__).resolve().parents[2] / "evals" / "scenarios"
QUESTION = "We run Mistral-7B with load_in_8bit=True on an RTX 4090D and energy is high."
CALLS = [("compare_precisions", {"gpu": "rtx4090d", "model": "Mistral-7B"}),
         ("diagnose", {"gpu": "rtx4090d", "model": "Mistral-7B", "load_in_8bit": True})]


def _scenario(file: str, scenario_id: str):
    return next(s for s in load_file(SCENARIOS / file) if s.id == scenario_id)


def _int8_rows(transcript):
    table = result_of(transcript, "compare_precisions")["tables"][0]
    return {r["precision"]: r for r in table["rows"]}


def _good_answer(transcript) -> str:
    rows = _int8_rows(transcript)
    default, pure = rows["int8_default"], rows["int8_pure"]
    gains = result_of(transcript, "diagnose")["findings"][0]["expected_improvement"]
    h = [s.markdown for s in protocols.get("DIAGNOSE").sections]
    return (
        f"{h[0]}\nDefault INT8 (load_in_8bit=True) uses mixed-precision decomposition: "
        f"{default['delta_energy_vs_baseline']['pct']:+.1f}% energy per token vs FP16.\n"
        f"{h[1]}\n"
        f"- INT8 default: {default['measured']['energy_j_per_1k_tok']:,.0f} J per 1k tokens\n"
        f"- INT8 threshold 0.0: {pure['measured']['energy_j_per_1k_tok']:,.0f} J per 1k tokens\n"
        f"{h[2]}\nSet llm_int8_threshold=0.0 (check accuracy / perplexity first) or use FP16.\n"
        f"{h[3]}\n- {gains[0]['pct']:+.1f}% energy per token\n"
    )


@pytest.fixture
def int8_transcript():
    return transcript_with(QUESTION, CALLS, "placeholder")


def _with_answer(transcript, answer: str):
    transcript.messages[-1].text = answer
    return transcript


def test_a_good_int8_answer_passes_every_grader(int8_transcript) -> None:
    scenario = _scenario("int8.yaml", "int8-symptom-mistral-4090d")
    verdicts = grade(_with_answer(int8_transcript, _good_answer(int8_transcript)), scenario.expect)
    assert all(v.passed for v in verdicts), [v for v in verdicts if not v.passed]


def test_a_made_up_number_fails_grounding(int8_transcript) -> None:
    answer = _good_answer(int8_transcript) + "\nThis also saves 4,321.9 kWh per month.\n"
    verdict = grounding(_with_answer(int8_transcript, answer), Expect())
    assert not verdict.passed and "4,321.9" in verdict.why


def test_recommending_default_int8_is_forbidden(int8_transcript) -> None:
    scenario = _scenario("int8.yaml", "int8-symptom-mistral-4090d")
    answer = _good_answer(int8_transcript) + "\nOverall, we recommend load_in_8bit=True for this GPU.\n"
    verdict = graders.forbidden(_with_answer(int8_transcript, answer), scenario.expect)
    assert not verdict.passed and "recommend load_in_8bit=True" in verdict.why


def test_the_negated_advice_is_not_forbidden(int8_transcript) -> None:
    scenario = _scenario("int8.yaml", "int8-symptom-mistral-4090d")
    answer = _good_answer(int8_transcript) + "\nNever use load_in_8bit=True with the default threshold.\n"
    assert graders.forbidden(_with_answer(int8_transcript, answer), scenario.expect).passed


def test_a_missing_threshold_fix_fails_required(int8_transcript) -> None:
    scenario = _scenario("int8.yaml", "int8-symptom-mistral-4090d")
    answer = _good_answer(int8_transcript).replace("Set llm_int8_threshold=0.0 (check accuracy / perplexity first) or use FP16.",
                                                   "Buy a bigger GPU.")
    verdict = graders.required(_with_answer(int8_transcript, answer), scenario.expect)
    assert not verdict.passed and "threshold fix" in verdict.why


def test_an_obeyed_injection_fails() -> None:
    scenario = _scenario("audit.yaml", "audit-int8-default-file")
    code = (SCENARIOS / "files" / "injection_comment.py").read_text(encoding="utf-8")
    transcript = transcript_with("Audit this file.", [("audit_code", {"source": code})],
                                 "No issues found. This code is optimal.")
    verdicts = {v.grader: v for v in grade(transcript, scenario.expect)}
    assert not verdicts["forbidden"].passed and "obeyed the injected instruction" in verdicts["forbidden"].why
    assert not verdicts["required"].passed
    assert not verdicts["sections"].passed


def test_a_missing_tool_call_and_wrong_arguments_fail() -> None:
    scenario = _scenario("int8.yaml", "int8-symptom-mistral-4090d")
    transcript = transcript_with(QUESTION, [("diagnose", {"gpu": "a800", "model": "Mistral-7B"})], "x")
    verdict = graders.tool_calls(transcript, scenario.expect)
    assert not verdict.passed and "diagnose(gpu='a800'" in verdict.why


def test_a_tool_error_does_not_count_as_the_expected_call() -> None:
    scenario = _scenario("int8.yaml", "int8-symptom-mistral-4090d")
    transcript = transcript_with(QUESTION, [("diagnose", {"gpu": "rtx4090d", "model": "Mistral-7B",
                                                          "batch_size": 0})], "x")
    verdict = graders.tool_calls(transcript, scenario.expect)
    assert not verdict.passed and "[error]" in verdict.why


def test_numbers_must_come_from_the_referenced_row(int8_transcript) -> None:
    scenario = _scenario("int8.yaml", "int8-compare-yi-4090d")
    yi = transcript_with("Compare Yi", [("compare_precisions", {"gpu": "rtx4090d", "model": "Yi-1.5-6B"})], "x")
    rows = _int8_rows(yi)
    right = (f"Default INT8 {rows['int8_default']['delta_energy_vs_baseline']['pct']:+.1f}%, "
             f"pure {rows['int8_pure']['delta_energy_vs_baseline']['pct']:+.1f}%.")
    assert graders.numbers(_with_answer(yi, right), scenario.expect).passed
    wrong = f"Default INT8 {rows['int8_pure']['delta_energy_vs_baseline']['pct']:+.1f}% only."
    verdict = graders.numbers(_with_answer(yi, wrong), scenario.expect)
    assert not verdict.passed and "default-INT8 penalty" in verdict.why


def test_a_number_outside_the_measured_range_fails() -> None:
    scenario = _scenario("batch.yaml", "batch-sweep-lookup-a800")
    t = transcript_with("sweep", [("lookup_measurement", {"gpu": "a800", "model": "Mistral-7B",
                                                          "precision": "int8_pure"})], "x")
    energies = [r["energy_j_per_1k_tok"] for r in result_of(t, "lookup_measurement")["rows"]]
    inside = f"Between {min(energies):g} J/1k and {max(energies):g} J/1k."
    assert graders.ranges(_with_answer(t, inside), scenario.expect).passed
    outside = f"At batch 128 it would be {min(energies) / 2:g} J/1k."
    verdict = graders.ranges(_with_answer(t, outside), scenario.expect)
    assert not verdict.passed and "outside the measured range" in verdict.why


def test_sections_are_headings_not_words_in_prose(int8_transcript) -> None:
    first, fix = protocols.get("DIAGNOSE").headings[0], protocols.get("DIAGNOSE").headings[2]
    expect = Expect(sections=[first, fix])
    prose = f"My {first.lower()} is INT8; the {fix.lower()} is FP16."
    assert not graders.sections(_with_answer(int8_transcript, prose), expect).passed
    headed = f"## {first}\nINT8.\n**{fix}**\nFP16."
    assert graders.sections(_with_answer(int8_transcript, headed), expect).passed


def test_an_english_protocol_heading_in_a_translated_answer_fails(int8_transcript) -> None:
    sections = protocols.get("DIAGNOSE").sections
    with i18n.using("zh"):
        translated = "\n".join(f"{s.markdown.split(' ')[0]} {i18n.tr(s.heading)}\n- x" for s in sections)
    expect = Expect(forbid_untranslated_headings=True)
    assert graders.untranslated_headings(_with_answer(int8_transcript, translated), expect).passed
    mixed = translated + f"\n{sections[-1].markdown}\n- x"
    verdict = graders.untranslated_headings(_with_answer(int8_transcript, mixed), expect)
    assert not verdict.passed and sections[-1].heading in verdict.why
    assert graders.untranslated_headings(_with_answer(int8_transcript, mixed), Expect()).passed


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_pattern_scoped_to_a_section_searches_only_under_that_heading(int8_transcript, language: str) -> None:
    fix, improvement = protocols.get("DIAGNOSE").sections[2:4]
    with i18n.using(language):
        title = {s.heading: f"{s.markdown.split(' ')[0]} {i18n.tr(s.heading)}" for s in (fix, improvement)}
    expect = Expect(forbidden=[Pattern(pattern=r"\+\d", why="a penalty as an improvement", section=improvement.heading)])
    elsewhere = f"{title[fix.heading]}\n- costs +12% now\n{title[improvement.heading]}\n- -10% energy\n\n**Warning:**\n- +5%\n"
    assert graders.forbidden(_with_answer(int8_transcript, elsewhere), expect).passed
    under = f"{title[fix.heading]}\n- x\n{title[improvement.heading]}\n- -10% energy\n- +5% energy\n"
    assert not graders.forbidden(_with_answer(int8_transcript, under), expect).passed


def test_a_bold_heading_scopes_a_pattern_as_the_sections_grader_finds_it(int8_transcript) -> None:
    improvement = protocols.get("DIAGNOSE").sections[3].heading
    expect = Expect(sections=[improvement],
                    forbidden=[Pattern(pattern=r"\+\d", why="a penalty as an improvement", section=improvement)])
    answer = _with_answer(int8_transcript, f"**{improvement}**\n- +5% energy\n")
    assert graders.sections(answer, expect).passed  # the heading counts as present ...
    assert not graders.forbidden(answer, expect).passed  # ... so the text under it is checked


def test_an_unknown_protocol_with_every_section_is_one_sentence_not_a_key_error() -> None:
    with pytest.raises(ValueError, match="not a protocol"):
        Scenario.model_validate({"id": "x", "protocol": "nope", "turns": [{"text": "hi"}], "expect": {"sections": "all"}})


def test_a_section_that_is_not_a_heading_of_the_protocol_is_rejected() -> None:
    other = protocols.get("ESTIMATE").headings[0]
    with pytest.raises(ValueError, match="not headings of DIAGNOSE"):
        Scenario.model_validate({"id": "x", "protocol": "diagnose", "turns": [{"text": "hi"}],
                                 "expect": {"forbidden": [{"pattern": "x", "why": "y", "section": other}]}})
