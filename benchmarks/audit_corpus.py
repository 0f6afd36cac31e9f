"""Audit precision and speed on real ML code: four pinned PyPI wheels, judged finding by finding.

`python -m benchmarks.audit_corpus [--cache DIR] [--rounds N] [--save-baseline] [--no-write]`

The wheels are downloaded once with pip (no dependencies) into a cache OUTSIDE the repository
(default `$ECOCOMPUTE_BENCH_CACHE` or `~/.cache/ecocompute-bench`) and their `*.py` files unpacked
there. The benchmark then:
- audits the corpus with the engine `ecocompute audit` runs and counts findings per rule and severity;
- lists every warning/critical finding with the judgement recorded in `audit_corpus_judgements.txt`
  (`URI:LINE RULE real|noise  why`); a finding with no judgement is listed as `UNJUDGED`;
- times bare `ast.parse` and the audit file by file on the same bytes, alternating which runs first,
  for several rounds, and reports the median ratio (the machine is shared: one round is noisy);
- times the whole walk with `--jobs 1` and `--jobs N` (N = CPU count).
Only the section between the audit-corpus markers in RESULTS.md is rewritten.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from time import perf_counter

WHEELS = ("transformers==5.24.0", "vllm==0.33.0", "peft==0.21.2", "accelerate==1.15.0")
HERE = Path(__file__).parent
RESULTS = HERE / "RESULTS.md"
JUDGEMENTS = HERE / "audit_corpus_judgements.txt"
BASELINE = HERE / "audit_corpus_baseline.json"
BEGIN, END = "<!-- audit-corpus:begin -->", "<!-- audit-corpus:end -->"
LOUD = ("critical", "warning")


def default_cache() -> Path:
    return Path(os.environ.get("ECOCOMPUTE_BENCH_CACHE") or Path.home() / ".cache" / "ecocompute-bench")


def ensure_corpus(cache: Path) -> list[Path]:
    """One unpacked folder per pinned wheel, downloading and unpacking only what is missing."""
    wheels, corpus = cache / "wheels", cache / "corpus"
    roots = []
    for spec in WHEELS:
        name, _, version = spec.partition("==")
        root = corpus / f"{name}-{version}"
        if not root.is_dir():
            found = sorted(wheels.glob(f"{name}-{version}-*.whl"))
            if not found:
                subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", spec, "-d",
                                str(wheels)], check=True)
                found = sorted(wheels.glob(f"{name}-{version}-*.whl"))
            with zipfile.ZipFile(found[0]) as archive:
                archive.extractall(root, [n for n in archive.namelist() if n.endswith(".py")])
        roots.append(root)
    return roots


def judgements() -> dict[tuple[str, int, str], tuple[str, str]]:
    out = {}
    for line in JUDGEMENTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            where, rule, verdict, *why = line.split(maxsplit=3)
            uri, _, number = where.rpartition(":")
            out[(uri, int(number), rule)] = (verdict, why[0] if why else "")
    return out


def audit(roots: list[Path], jobs: int) -> tuple[list, float]:
    from ecocompute.tools.audit.walk import audit_paths

    start = perf_counter()
    try:
        reports = audit_paths([str(r) for r in roots], jobs=jobs)  # type: ignore[call-arg]
    except TypeError:  # an engine without --jobs (the baseline)
        reports = audit_paths([str(r) for r in roots])
    return reports, perf_counter() - start


def findings(roots: list[Path], reports: list) -> list[tuple[str, int, str, str, str]]:
    base = roots[0].parent
    out = []
    for report in reports:
        uri = os.path.relpath(report.path, base).replace(os.sep, "/")
        out += [(uri, f.line, f.rule_id, f.severity, f.message) for f in report.findings]
    return sorted(out)


def ratio_rounds(roots: list[Path], rounds: int) -> tuple[list[float], float, float, int]:
    """Per round: (sum of audit time) / (sum of ast.parse time), file by file on the same bytes."""
    from ecocompute.tools.audit.engine import audit_source

    sources = [(str(p), p.read_bytes()) for r in roots for p in sorted(r.rglob("*.py"))]
    ratios, parse_total, audit_total = [], 0.0, 0.0
    for n in range(rounds):
        parse_s = audit_s = 0.0
        for path, data in sources:
            first_parse = (n % 2 == 0)
            for step in ((0, 1) if first_parse else (1, 0)):
                start = perf_counter()
                if step == 0:
                    try:
                        ast.parse(data, filename=path)
                    except (SyntaxError, ValueError, RecursionError, MemoryError):
                        pass
                    parse_s += perf_counter() - start
                else:
                    audit_source(data, path)
                    audit_s += perf_counter() - start
        ratios.append(audit_s / parse_s)
        parse_total, audit_total = parse_total + parse_s, audit_total + audit_s
    return ratios, parse_total / rounds, audit_total / rounds, len(sources)


def section(summary: dict, found: list, judged: dict, baseline: dict | None) -> str:
    lines = [BEGIN, "### Audit precision and speed on four ML wheels", "",
             f"Generated by `python -m benchmarks.audit_corpus` (wheels: {', '.join(WHEELS)}; "
             f"{summary['files']} files, {summary['lines']:,} lines).", ""]
    lines += ["| rule | severity | before | after |", "| --- | --- | --- | --- |"]
    before = (baseline or {}).get("per_rule", {})
    keys = sorted(set(summary["per_rule"]) | set(before))
    lines += [f"| {k.split()[0]} | {k.split()[1]} | {before.get(k, 0) if baseline else 'n/a'} | "
              f"{summary['per_rule'].get(k, 0)} |" for k in keys]
    loud_before = sum(v for k, v in before.items() if k.split()[1] in LOUD)
    lines += [f"| all warning/critical | | {loud_before if baseline else 'n/a'} | {summary['loud']} |", ""]
    if baseline:
        loud = [tuple(f[:3]) for f in baseline["findings"] if f[3] in LOUD]
        verdicts = Counter(judged.get((u, int(n), r), ("UNJUDGED",))[0] for u, n, r in loud)
        lines.append(f"- before: {len(loud)} warning/critical findings, judged "
                     + ", ".join(f"{v} {k}" for k, v in sorted(verdicts.items()))
                     + " (each listed in `benchmarks/audit_corpus_judgements.txt`)")
        lines.append(f"- before: {baseline['label']}; ratio to ast.parse {baseline['ratio']:.2f} "
                     f"(median of {len(baseline['ratios'])} rounds: {', '.join(f'{r:.2f}' for r in baseline['ratios'])})")
    lines.append(f"- after: audit vs `ast.parse` file by file, median of {len(summary['ratios'])} rounds: "
                 f"**{summary['ratio']:.2f}** (rounds: {', '.join(f'{r:.2f}' for r in summary['ratios'])}; "
                 f"mean per round ast.parse {summary['parse_s']:.1f} s, audit {summary['audit_s']:.1f} s)")
    for jobs, seconds in summary["jobs"].items():
        lines.append(f"- whole walk `--jobs {jobs}`: {seconds:.1f} s")
    noise = sum(1 for f in found if f[3] in LOUD and judged.get(f[:3], ("UNJUDGED",))[0] != "real")
    lines += ["", f"Warning/critical findings after, with judgement ({noise} not judged real; the done-when "
              "limit is 5):", ""]
    for uri, line, rule, severity, message in found:
        if severity in LOUD:
            verdict, why = judged.get((uri, line, rule), ("UNJUDGED", message[:100]))
            lines.append(f"- `{uri}:{line}` {rule} {severity}: **{verdict}**: {why}")
    return "\n".join(lines + ["", END])


def write_section(text: str) -> None:
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    if BEGIN in current and END in current:
        head, _, rest = current.partition(BEGIN)
        current = head + text + rest.partition(END)[2]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    RESULTS.write_text(current, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.audit_corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--save-baseline", metavar="LABEL", help="store this run as the 'before' figures")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    roots = ensure_corpus(args.cache)
    cpus = os.cpu_count() or 1
    reports, serial_s = audit(roots, 1)
    timings = {1: serial_s}
    if cpus > 1 and not args.save_baseline:
        timings[cpus] = audit(roots, cpus)[1]
    found = findings(roots, reports)
    ratios, parse_s, audit_s, files = ratio_rounds(roots, args.rounds)
    summary = {"files": files, "lines": sum(r.lines for r in reports), "ratios": ratios,
               "ratio": statistics.median(ratios), "parse_s": parse_s, "audit_s": audit_s, "jobs": timings,
               "per_rule": dict(Counter(f"{f[2]} {f[3]}" for f in found)),
               "loud": sum(1 for f in found if f[3] in LOUD)}
    print(json.dumps({k: v for k, v in summary.items() if k != "jobs"}, indent=1))
    if args.save_baseline:
        BASELINE.write_text(json.dumps({"label": args.save_baseline, **summary,
                                        "findings": [f[:4] for f in found]}, indent=1), encoding="utf-8")
        return 0
    baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else None
    text = section(summary, found, judgements(), baseline)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
