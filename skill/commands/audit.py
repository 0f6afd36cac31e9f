"""`ecocompute audit PATH...`: audit Python files and directories for energy waste.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above --fail-on; 2 bad input (a
path that does not exist, an unknown rule id) or, with no failing finding, a file that could not be
parsed or read.
"""

from __future__ import annotations

import argparse
import os
import sys

from ecocompute.tools.audit.rules import RULES, RULES_BY_ID, SEVERITIES
from ecocompute.tools.errors import ToolInputError


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="Python files or directories")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("--fail-on", choices=(*SEVERITIES, "never"), default="warning",
                        help="exit 1 when a finding is at or above this severity (default: warning)")
    parser.add_argument("--select", default=None, help="comma-separated rule ids to run (default: all)")
    parser.add_argument("--ignore", default="", help="comma-separated rule ids to skip")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    parser.set_defaults(run=run)


def _ids(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    ids = frozenset(part.strip().upper() for part in text.split(",") if part.strip())
    unknown = sorted(ids - set(RULES_BY_ID))
    if unknown:
        raise ToolInputError(f"Unknown rule id {', '.join(unknown)}; known: {', '.join(RULES_BY_ID)}.")
    return ids


def _list_rules() -> int:
    for rule in RULES:
        print(f"{rule.id}  {rule.name:<24} {rule.severity:<9} {rule.summary}")
    return 0


def _colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    from ecocompute.console import colour_enabled

    return colour_enabled()  # NO_COLOR / FORCE_COLOR / a terminal: the rule every command follows


def run(args: argparse.Namespace) -> int:
    import json
    import time

    from ecocompute.tools.audit.engine import Selection
    from ecocompute.tools.audit.report import fails, render_text, to_json
    from ecocompute.tools.audit.walk import audit_paths

    if args.list_rules:
        return _list_rules()
    if not args.paths:
        raise ToolInputError("Give at least one file or directory to audit (or --list-rules).")
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        raise ToolInputError(f"No such file or directory: {', '.join(missing)}.")
    selection = Selection(_ids(args.select), _ids(args.ignore) or frozenset())
    start = time.perf_counter()
    reports = audit_paths(args.paths, selection)
    seconds = time.perf_counter() - start
    if args.format == "json":
        print(json.dumps(to_json(reports, seconds), indent=2, ensure_ascii=False))
    elif args.format == "sarif":
        from ecocompute.tools.audit.sarif import to_sarif

        print(json.dumps(to_sarif(reports), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_text(reports, seconds, _colour(args.color)))
    if fails(reports, args.fail_on):
        return 1
    return 2 if any(r.error for r in reports) else 0
