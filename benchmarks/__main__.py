"""`python -m benchmarks [--quick] [--no-write]`: measure every budget, print one table, write RESULTS.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from time import perf_counter

from benchmarks import audit_throughput, cold_start, context_size, round_trips, tool_latency
from benchmarks.report import Row, results_markdown, table

RESULTS = Path(__file__).with_name("RESULTS.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs (for a smoke check)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    rounds, calls = (3, 200) if args.quick else (21, 3000)
    started = perf_counter()
    rows: list[Row] = []
    details: list[str] = []
    steps = (
        ("context size", context_size.run),
        ("cold start", lambda: cold_start.run(rounds)),
        ("tool latency", lambda: tool_latency.run(calls)),
        ("round trips", round_trips.run),
        ("audit throughput", audit_throughput.run),
    )
    for label, step in steps:
        print(f"measuring {label} ...", file=sys.stderr, flush=True)
        step_rows, step_details = step()
        rows += step_rows
        details += step_details
    seconds = perf_counter() - started
    print(table(rows))
    if not args.no_write:
        command = "python -m benchmarks" + (" --quick" if args.quick else "")
        text = results_markdown(rows, details, seconds, command)
        RESULTS.write_text(text + _kept_sections(), encoding="utf-8")
        print(f"\nwrote {RESULTS}", file=sys.stderr)
    return 0


def _kept_sections() -> str:
    """Sections other benchmarks own (`python -m benchmarks.audit_corpus`), kept across this rewrite."""
    from benchmarks.audit_corpus import BEGIN, END

    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if BEGIN not in current or END not in current:
        return ""
    return "\n" + BEGIN + current.partition(BEGIN)[2].partition(END)[0] + END + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
