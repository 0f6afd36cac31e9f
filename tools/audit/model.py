"""The pydantic result of the `audit_code` tool; its findings are the engine's records (`findings.py`)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ecocompute.tools.audit.findings import Finding


class Counts(BaseModel):
    """Findings per severity."""

    critical: int
    warning: int
    conditional: int
    info: int


class AuditResult(BaseModel):
    """Findings for one audited source, highest severity first within each line."""

    filename: str
    error: str | None = Field(description="Why the source could not be audited, if it could not")
    lines: int
    findings: list[Finding]
    summary: Counts
    omitted: int = Field(0, description="Findings left out to keep the result small (lowest severity first)")
