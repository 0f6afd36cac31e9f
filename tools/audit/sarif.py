"""SARIF 2.1.0 output with rule metadata, as GitHub code scanning reads it."""

from __future__ import annotations

from ecocompute import __version__
from ecocompute.tools.audit.findings import FileReport, Finding
from ecocompute.tools.audit.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "warning": "warning", "conditional": "warning", "info": "note"}
INFO_URI = "https://github.com/ecocompute/ecocompute#audit-rules"


def _rules() -> list[dict[str, object]]:
    return [{"id": rule.id, "name": rule.name, "shortDescription": {"text": rule.summary},
             "fullDescription": {"text": rule.summary}, "helpUri": INFO_URI,
             "defaultConfiguration": {"level": LEVELS[rule.severity]},
             "properties": {"severity": rule.severity, "tags": ["energy", "performance"]}}
            for rule in RULES]


def _result(report: FileReport, f: Finding, index: dict[str, int]) -> dict[str, object]:
    rows = ", ".join(f.impact.row_ids)
    text = f"{f.message} Impact: {f.impact.statement}" + (f" (rows {rows})" if rows else "")
    return {
        "ruleId": f.rule_id, "ruleIndex": index[f.rule_id], "level": LEVELS[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": report.uri, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
                       "snippet": {"text": f.snippet}}}}],
        "properties": {"severity": f.severity, "fix": f.fix, "basis": f.impact.basis,
                       "rowIds": f.impact.row_ids},
    }


def _notification(report: FileReport) -> dict[str, object]:
    return {"level": "error", "message": {"text": f"{report.uri} {report.error}"},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": report.uri,
                                                                      "uriBaseId": "%SRCROOT%"}}}]}


def to_sarif(reports: list[FileReport]) -> dict[str, object]:
    """One run: the driver with every rule, a result per finding, a notification per unparsable file."""
    index = {rule.id: i for i, rule in enumerate(RULES)}
    results = [_result(r, f, index) for r in reports for f in r.findings]
    errors = [_notification(r) for r in reports if r.error]
    return {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ecocompute-audit", "version": __version__,
                                "informationUri": INFO_URI, "rules": _rules()}},
            "results": results,
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": errors}],
        }],
    }
