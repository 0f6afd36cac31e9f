"""`read_reference`: the findings computed from the data and the reference documents, on demand."""

from __future__ import annotations

from typing import get_args

from ecocompute import prompting
from ecocompute.read_reference import Topic
from ecocompute.registry import run_tool


def test_topics_are_the_findings_and_every_shipped_reference() -> None:
    assert list(get_args(Topic)) == ["findings", *prompting.reference_documents()]


def test_findings_are_the_evidence_functions_output_with_rows() -> None:
    out = run_tool("read_reference", {"topic": "findings"})
    assert not out.is_error
    summary = prompting.paradox_summary()
    assert [f["claim"] for f in out.content["findings"]] == [s["claim"] for s in summary]
    assert all(f["row_ids"] and f["basis"] for f in out.content["findings"])
    assert all(s["claim"] in out.content["text"] for s in summary)


def test_a_document_comes_back_whole_with_its_tables_rendered() -> None:
    out = run_tool("read_reference", {"topic": "hardware"})
    assert out.content["text"] == prompting.reference_documents()["hardware"]
    assert out.content["source"] == "references/hardware.md"


def test_an_unknown_topic_is_an_input_error_naming_the_topics() -> None:
    out = run_tool("read_reference", {"topic": "gossip"})
    assert out.is_error and "findings" in (out.error or "")
