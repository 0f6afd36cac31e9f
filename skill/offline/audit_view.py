"""The AUDIT answer's template context from `audit_code`.
"""

from __future__ import annotations

from typing import Any


def audit_context(data: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """The AUDIT template context: findings split by severity, good practices and one change per finding."""
    found = _findings(data)
    def item(f: dict[str, Any]) -> dict[str, Any]:
        """One finding as the template shows it; severities other than critical/warning are tagged."""
        impact = f.get("impact")
        text = impact.get("statement") if isinstance(impact, dict) else impact
        tag = f"({f['severity']}) " if f.get("severity") not in (None, "critical", "warning") else ""
        return {"rule_id": f["rule_id"], "line": f.get("line", "?"), "message": tag + f.get("message", f.get("name", "")),
                "fix": f.get("fix", ""), "impact": text}
    critical = [item(f) for f in found if f.get("severity") == "critical"]
    warnings = [item(f) for f in found if f.get("severity") != "critical"]
    good = list(data.get("good_practices", []))
    changes = list(dict.fromkeys(f"{f['rule_id']} (line {f.get('line', '?')}): {f.get('fix', '').splitlines()[0] if f.get('fix') else ''}"
                                 for f in found))
    return {"target": args.get("filename") or args.get("path") or "code", "critical": critical, "warnings": warnings,
            "good_practices": good, "changes": changes}


def _findings(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if "rule_id" in node and "severity" in node:
            return [node]
        return [f for v in node.values() for f in _findings(v)]
    if isinstance(node, list):
        return [f for v in node for f in _findings(v)]
    return []
