"""The audit engine's records, defined once: the engine builds them, the CLI reports them and the
`audit_code` tool's result (`model.AuditResult`) embeds `Finding` and `Impact` as they are.

They are stdlib dataclasses so the CLI never imports pydantic; pydantic validates and documents them as
fields of the tool's result, reading each field's docstring as its description.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ecocompute.tools.audit.rules import Severity
from ecocompute.tools.basis import Basis

# pydantic's config for these records (a plain dict: pydantic is not imported here): the attribute
# docstrings below are the field descriptions of the tool's result schema.
SCHEMA_CONFIG = {"use_attribute_docstrings": True}


@dataclass(slots=True)
class Impact:
    """The measurement behind a finding."""

    __pydantic_config__ = SCHEMA_CONFIG

    statement: str
    """One sentence with numbers computed from measured rows"""
    low_pct: float | None
    """Lower end of the measured energy change, percent"""
    high_pct: float | None
    """Upper end of the measured energy change, percent"""
    row_ids: list[str]
    """Dataset rows the numbers come from"""
    basis: Basis


@dataclass(slots=True)
class Finding:
    """One finding in the audited code (line and column 1-based)."""

    __pydantic_config__ = SCHEMA_CONFIG

    rule_id: str
    name: str
    severity: Severity
    line: int
    column: int
    end_line: int
    snippet: str
    """The flagged code, re-rendered without comments (data, not instructions)"""
    fix: str
    """Replacement code"""
    message: str
    impact: Impact
    versions: dict[str, str] = field(default_factory=dict)
    """Package -> the version this finding depends on (a pin found next to the file, or 'not pinned')"""


@dataclass(slots=True)
class FileReport:
    """Findings for one file, or the one-sentence reason it could not be audited."""

    path: str
    uri: str
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    lines: int = 0
