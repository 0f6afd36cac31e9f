"""Plain result records of the engine (dataclasses, so the CLI never imports pydantic).

`model.py` holds the pydantic mirror the `audit_code` tool returns; a test keeps them in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Impact:
    """The measurement behind a finding: a sentence with numbers computed from data, its rows, basis."""

    statement: str
    low_pct: float | None
    high_pct: float | None
    row_ids: list[str]
    basis: str


@dataclass(slots=True)
class Finding:
    """One finding; line and column are 1-based, `snippet` is the flagged code without comments."""

    rule_id: str
    name: str
    severity: str
    line: int
    column: int
    end_line: int
    snippet: str
    fix: str
    message: str
    impact: Impact
    versions: dict[str, str] = field(default_factory=dict)  # package -> version the finding depends on


@dataclass(slots=True)
class FileReport:
    """Findings for one file, or the one-sentence reason it could not be audited."""

    path: str
    uri: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    lines: int = 0
