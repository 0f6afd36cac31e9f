"""`ecocompute audit PATH...`: audit Python files and directories for energy waste.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above --fail-on; 2 bad input (a
path that does not exist, an unknown rule id, an empty --select) or, with no failing finding, a file
that could not be audited (unparsable, unreadable, over the size limit, a FIFO or device, a symlink
loop, a directory that cannot be listed). Progress goes to stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from ecocompute.tools.audit.rules import MAX_FILE_MB, RULES, RULES_BY_ID, SEVERITIES
from ecocompute.tools.errors import ToolInputError


def configure(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="Python files or directories")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("--fail-on", choices=(*SEVERITIES, "never"), default="warning",
                        help="exit 1 when a finding is at or above this severity (default: warning)")
    parser.add_argument("--select", default=None, help="comma-separated rule ids to run (default: all)")
    parser.add_argument("--ignore", default="", help="comma-separated rule ids to skip")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="worker processes for large trees (default: the CPU count)")
    parser.add_argument("--sarif-root", default=None, metavar="DIR",
                        help="make SARIF paths relative to DIR (default: the git top-level, else the working directory)")
    parser.add_argument("--max-file-size", type=float, default=MAX_FILE_MB, metavar="MB",
                        help="skip (and report) files larger than this, or as dense in syntax (default: %(default)g)")
    parser.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                        help="progress on stderr (auto: when stderr is a terminal)")
    parser.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    parser.set_defaults(run=run)


def _ids(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    ids = frozenset(part.strip().upper() for part in text.split(",") if part.strip())
    if not ids:
        raise ToolInputError("--select needs at least one rule id (omit it to run every rule); see --list-rules.")
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


def _limits(args: argparse.Namespace) -> tuple[int, int]:
    from ecocompute.tools.audit.parallel import default_jobs

    if args.jobs is not None and args.jobs < 1:
        raise ToolInputError("--jobs must be at least 1.")
    if not args.max_file_size > 0 or args.max_file_size > 4096:
        raise ToolInputError("--max-file-size must be a number of megabytes between 0 and 4096.")
    return args.jobs or default_jobs(), int(args.max_file_size * 1_000_000)


def _root(args: argparse.Namespace) -> str:
    from ecocompute.tools.audit.sarif import repo_root

    if args.sarif_root is not None:
        if not os.path.isdir(args.sarif_root):
            raise ToolInputError(f"--sarif-root {args.sarif_root!r} is not a directory.")
        return os.path.abspath(args.sarif_root)
    return repo_root(args.paths[0])


def _progress(choice: str) -> Callable[[int, int], None] | None:
    terminal = sys.stderr.isatty()
    if choice == "never" or (choice == "auto" and not terminal):
        return None
    state = {"shown": 0.0, "step": 0}

    def show(done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if terminal:
            if done == total or now - state["shown"] > 0.2:
                state["shown"] = now
                end = "\n" if done == total else ""
                print(f"\raudited {done:,}/{total:,} files", end=end, file=sys.stderr, flush=True)
        elif done * 10 // max(total, 1) > state["step"] or done == total:
            state["step"] = done * 10 // max(total, 1)
            print(f"audited {done:,}/{total:,} files", file=sys.stderr, flush=True)

    return show


def run(args: argparse.Namespace) -> int:
    import time

    from ecocompute.console import json_text
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
    selection = Selection(_ids(args.select), _ids(args.ignore) if args.ignore.strip() else frozenset())
    jobs, max_bytes = _limits(args)
    start = time.perf_counter()
    reports = audit_paths(args.paths, selection, jobs, _progress(args.progress), max_bytes, _root(args))
    seconds = time.perf_counter() - start
    if args.format == "json":
        print(json_text(to_json(reports, seconds)))
    elif args.format == "sarif":
        from ecocompute.tools.audit.sarif import to_sarif

        print(json_text(to_sarif(reports, _root(args))))
    else:
        sys.stdout.write(render_text(reports, seconds, _colour(args.color)))
    if fails(reports, args.fail_on):
        return 1
    return 2 if any(r.error for r in reports) else 0
