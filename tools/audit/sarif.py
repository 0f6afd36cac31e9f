"""SARIF 2.1.0 output as GitHub code scanning reads it.

Locations are relative to the repository root (`--sarif-root`, else the git top-level above the
first audited path, else that path's folder) under `uriBaseId` `%SRCROOT%`, percent-encoded; a
file outside that root gets an absolute `file:` URI. Each result has `partialFingerprints` that
survive moved lines (rule, file, flagged code, occurrence), the versions it depends on, and each
rule has `help` (text and markdown) and a `helpUri`. A file that could not be audited is a
notification, and then `executionSuccessful` is false.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import quote

from ecocompute import __version__
from ecocompute.tools.audit.findings import FileReport, Finding
from ecocompute.tools.audit.rules import RULES, Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "warning": "warning", "conditional": "warning", "info": "note"}
INFO_URI = "https://github.com/ecocompute/ecocompute#audit-rules"
BASE = "%SRCROOT%"
FINGERPRINT = "ecocomputeFinding/v1"
HOW_TO_FIX = {
    "ECO101": "Load in FP16/BF16, or set llm_int8_threshold=0.0 after an accuracy check, or use NF4 on models "
              "above 3B parameters when memory is the constraint.",
    "ECO102": "Load in FP16/BF16, or set llm_int8_threshold=0.0 after an accuracy check.",
    "ECO103": "Keep it only after checking perplexity or task accuracy; otherwise load in FP16/BF16.",
    "ECO201": "Load small models in FP16/BF16 instead of 4-bit.",
    "ECO301": "Tokenize a list of prompts with padding (or pass the whole list) and generate once per batch.",
    "ECO302": "Call the pipeline on the whole list with batch_size=N.",
    "ECO303": "Raise batch_size as far as memory and latency allow.",
    "ECO304": "Leave max_num_seqs at vLLM's default or raise it.",
    "ECO401": "Keep use_cache=True for inference.",
    "ECO501": "Pass torch_dtype=torch.float16 or torch.bfloat16 (or dtype=\"auto\").",
    "ECO502": "Try torch.compile on the forward pass and benchmark it.",
}


def repo_root(path: str) -> str:
    """The nearest folder at or above `path` holding `.git`, else the audited folder itself."""
    start = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    folder = start
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def _location(path: str, root: str) -> dict[str, str]:
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return {"uri": Path(absolute).as_uri() if absolute.isprintable() else "file://" + quote(os.fsencode(absolute))}
    return {"uri": quote(os.fsencode(relative.replace(os.sep, "/")), safe="/"), "uriBaseId": BASE}


def _help(rule: Rule) -> dict[str, object]:
    depends = f" Depends on: {', '.join(rule.packages)}." if rule.packages else ""
    text = f"{rule.summary} Fix: {HOW_TO_FIX[rule.id]}{depends}"
    markdown = (f"**{rule.id} {rule.name}** ({rule.severity})\n\n{rule.summary}\n\n**Fix:** {HOW_TO_FIX[rule.id]}"
                + (f"\n\n**Depends on:** {', '.join(f'`{p}`' for p in rule.packages)}" if rule.packages else ""))
    return {"id": rule.id, "name": rule.name, "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.summary}, "help": {"text": text, "markdown": markdown},
            "helpUri": f"{INFO_URI}-{rule.id.lower()}", "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"severity": rule.severity, "tags": ["energy", "performance"],
                           "packages": list(rule.packages)}}


def _fingerprint(f: Finding, uri: str, seen: dict[str, int]) -> str:
    key = f"{f.rule_id}|{uri}|{f.snippet}"
    seen[key] = seen.get(key, 0) + 1
    return hashlib.sha256(f"{key}|{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _result(location: dict[str, str], f: Finding, index: dict[str, int], seen: dict[str, int]) -> dict[str, object]:
    rows = ", ".join(f.impact.row_ids)
    text = f"{f.message} Impact: {f.impact.statement}" + (f" (rows {rows})" if rows else "")
    return {
        "ruleId": f.rule_id, "ruleIndex": index[f.rule_id], "level": LEVELS[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": location,
            "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
                       "snippet": {"text": f.snippet}}}}],
        "partialFingerprints": {FINGERPRINT: _fingerprint(f, location["uri"], seen)},
        "properties": {"severity": f.severity, "fix": f.fix, "basis": f.impact.basis,
                       "rowIds": f.impact.row_ids, "versions": f.versions},
    }


def _notification(report: FileReport, location: dict[str, str]) -> dict[str, object]:
    return {"level": "error", "message": {"text": f"{location['uri']} {report.error}"},
            "locations": [{"physicalLocation": {"artifactLocation": location}}]}


def to_sarif(reports: list[FileReport], root: str | None = None) -> dict[str, object]:
    """One run: the driver with every rule, a result per finding, a notification per file not audited."""
    base = os.path.abspath(root or os.getcwd())
    index = {rule.id: i for i, rule in enumerate(RULES)}
    seen: dict[str, int] = {}
    results, errors = [], []
    for report in reports:
        location = _location(report.path, base)
        results += [_result(location, f, index, seen) for f in report.findings]
        if report.error:
            errors.append(_notification(report, location))
    return {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ecocompute-audit", "version": __version__,
                                "informationUri": INFO_URI, "rules": [_help(rule) for rule in RULES]}},
            "originalUriBaseIds": {BASE: {"uri": Path(base).as_uri().rstrip("/") + "/"}},
            "results": results,
            "invocations": [{"executionSuccessful": not errors, "toolExecutionNotifications": errors}],
        }],
    }
