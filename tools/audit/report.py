"""Rendering of audit reports: counts, text (grouped by file, ANSI colour) and JSON-ready dicts.

File names and errors are shown, never executed: control characters, escape sequences, bidi overrides
and undecodable bytes in a name are printed as escapes, so a crafted name cannot forge report lines.
"""

from __future__ import annotations

from dataclasses import asdict

from ecocompute.tools.audit.findings import FileReport, Finding
from ecocompute.tools.audit.rules import SEVERITIES, severity_rank

_COLOURS = {"critical": "\033[1;31m", "warning": "\033[33m", "conditional": "\033[35m", "info": "\033[36m",
            "path": "\033[1m", "dim": "\033[2m", "error": "\033[31m"}
_RESET = "\033[0m"
_ROWS_SHOWN = 6


def shown(text: str) -> str:
    """`text` on one line with every control, escape sequence and undecodable byte shown, not executed."""
    from ecocompute.console import sanitize

    return sanitize(text, oneline=True)


def json_safe(text: str) -> str:
    """A file name that any UTF-8 stream can carry: undecodable bytes as backslash escapes."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def counts(reports: list[FileReport]) -> dict[str, int]:
    """Findings per severity (every severity present, highest first)."""
    out = dict.fromkeys(SEVERITIES, 0)
    for report in reports:
        for finding in report.findings:
            out[finding.severity] += 1
    return out


def fails(reports: list[FileReport], fail_on: str) -> bool:
    """Whether any finding is at or above `fail_on` ("never" never fails)."""
    if fail_on == "never":
        return False
    limit = severity_rank(fail_on)
    return any(severity_rank(f.severity) <= limit for r in reports for f in r.findings)


def summary_line(reports: list[FileReport], seconds: float) -> str:
    """The last line of a text report: findings per severity, files scanned and not audited, seconds."""
    by = counts(reports)
    total = sum(by.values())
    parts = ", ".join(f"{n} {sev}" for sev, n in by.items())
    errors = sum(1 for r in reports if r.error)
    err = f", {errors} file{'s' if errors != 1 else ''} not audited" if errors else ""
    return (f"{total} finding{'s' if total != 1 else ''} ({parts}) in {len(reports)} "
            f"file{'s' if len(reports) != 1 else ''} scanned{err}, {seconds:.2f}s")


def render_text(reports: list[FileReport], seconds: float, colour: bool) -> str:
    """Findings grouped by file, then the summary line."""
    paint = (lambda key, text: f"{_COLOURS[key]}{text}{_RESET}") if colour else (lambda key, text: text)
    lines: list[str] = []
    explained: set[str] = set()  # print each rule's (long) impact once
    for report in reports:
        name = shown(report.path)
        if report.error:
            lines.append(f"{paint('path', name)}: {paint('error', shown(report.error))}")
        if report.findings:
            lines.append(paint("path", name))
            for finding in report.findings:
                lines.extend(_finding_lines(finding, paint, finding.rule_id in explained))
                explained.add(finding.rule_id)
    lines.append(summary_line(reports, seconds))
    return "\n".join(lines) + "\n"


def _finding_lines(f: Finding, paint, seen: bool) -> list[str]:
    head = f"  {f.line}:{f.column}  {paint(f.severity, f.severity)}  {f.rule_id} {f.name}  {f.message}"
    fix = f.fix.replace("\n", "\n          ")
    rows = f.impact.row_ids
    shown = ", ".join(rows[:_ROWS_SHOWN]) + (f", +{len(rows) - _ROWS_SHOWN} more" if len(rows) > _ROWS_SHOWN else "")
    impact = f"{f.impact.statement} [{f.impact.basis}{'; rows ' + shown if rows else ''}]"
    if seen:
        impact = f"as for {f.rule_id} above"
    return [head, paint("dim", f"      code: {f.snippet}"), f"      fix: {fix}", paint("dim", f"      impact: {impact}")]


def to_json(reports: list[FileReport], seconds: float) -> dict[str, object]:
    """The JSON report: one `AuditResult`-shaped entry per file, plus totals."""
    files = [file_result(r) for r in reports]
    return {"files": files, "summary": {**counts(reports), "files": len(reports),
                                        "errors": sum(1 for r in reports if r.error), "seconds": round(seconds, 3)}}


def file_result(report: FileReport) -> dict[str, object]:
    """One file's result in the shape of `model.AuditResult`."""
    return {"filename": json_safe(report.uri), "error": report.error and json_safe(report.error), "lines": report.lines,
            "findings": [asdict(f) for f in report.findings], "summary": counts([report])}
