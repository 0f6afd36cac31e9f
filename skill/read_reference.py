"""`read_reference(topic)`: background the model needs only sometimes, loaded on demand.

The system prompt stays lean (role, the rule for numbers, the protocols, what the data cover); the
findings the data show and the reference documents come through this tool, as Agent Skills load
references on demand. The data are imported only when the tool runs, jinja2 only for a document.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

# "findings" is computed from primary rows; the others are the documents in references/*.md
# (tests/test_read_reference.py checks this list against the shipped files).
Topic = Literal["findings", "mechanisms", "decision_guide", "methodology", "hardware", "serving", "data_conflicts"]


class Finding(BaseModel):
    """One headline effect as `ecocompute.tools.evidence` computes it from paired primary rows."""

    model_config = ConfigDict(defer_build=True)  # the registry imports this module: build on first use

    title: str
    claim: str
    basis: str
    row_ids: list[str]


class ReferenceSection(BaseModel):
    """A reference document (tables rendered from the data), or the computed findings."""

    model_config = ConfigDict(defer_build=True)

    topic: str
    source: str
    text: str
    findings: list[Finding] = []


def read_reference(
    topic: Topic,
) -> ReferenceSection:
    """Background for an answer: `findings` (what the data show, from rows) or a reference document."""
    if topic == "findings":  # the evidence functions alone: no jinja2 or prompt rendering for data
        from ecocompute.tools import evidence

        found = []
        for title, func in evidence.SUMMARY:
            ev = func()
            found.append(Finding(title=title, claim=ev.claim, basis=ev.basis, row_ids=ev.row_ids))
        text = "\n".join(f"- {f.title}: {f.claim} ({f.basis})" for f in found)
        return ReferenceSection(topic=topic, source="ecocompute.tools.evidence over primary rows", text=text,
                                findings=found)
    from ecocompute import prompting

    return ReferenceSection(topic=topic, source=f"references/{topic}.md", text=prompting.reference_documents()[topic])
