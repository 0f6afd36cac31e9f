"""Reports: summary per protocol and paradox, failure explanations, totals, JSON, JUnit, baseline."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ecocompute.evalkit.runner import ScenarioResult
from ecocompute.files import write_text
from ecocompute.messages import Usage
from ecocompute.scrub import scrub


class Row(BaseModel):
    group: str
    passed: int
    total: int


class Report(BaseModel):
    """What one eval run produced; `to_json` is also the baseline format."""

    model_id: str
    with_skill: bool = True
    results: list[ScenarioResult]

    @property
    def failed(self) -> list[ScenarioResult]:
        return [r for r in self.results if not r.passed]

    @property
    def usage(self) -> Usage:
        total = Usage()
        for r in self.results:
            total = total + r.usage
        return total

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.results)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON: totals, usage, per protocol and paradox, and every result."""
        return {
            "model_id": self.model_id,
            "with_skill": self.with_skill,
            "passed": len(self.results) - len(self.failed),
            "total": len(self.results),
            "usage": self.usage.model_dump(),
            "seconds": round(self.seconds, 3),
            "by_protocol": [r.model_dump() for r in by_protocol(self.results)],
            "by_paradox": [r.model_dump() for r in by_paradox(self.results)],
            "scenarios": [_scenario_json(r) for r in self.results],
        }


def _scenario_json(r: ScenarioResult) -> dict[str, Any]:
    return {
        "id": r.id, "protocol": r.protocol, "tags": r.tags.model_dump(), "passed": r.passed,
        "failures": r.failures, "verdicts": [v.model_dump() for v in r.verdicts],
        "tool_calls": r.tool_calls, "usage": r.usage.model_dump(), "seconds": round(r.seconds, 3),
        "answer": r.answer,
    }


def _rows(pairs: Iterable[tuple[str, bool]]) -> list[Row]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for group, passed in pairs:
        counts[group][0] += int(passed)
        counts[group][1] += 1
    return [Row(group=g, passed=p, total=t) for g, (p, t) in sorted(counts.items())]


def by_protocol(results: Sequence[ScenarioResult]) -> list[Row]:
    """Passed / total per protocol."""
    return _rows((r.protocol, r.passed) for r in results)


def by_paradox(results: Sequence[ScenarioResult]) -> list[Row]:
    """Per paradox tag, plus the serving regime and Chinese questions as their own rows."""
    untagged: list[str] = ["(none)"]
    pairs: list[tuple[str, bool]] = [(p, r.passed) for r in results for p in ([*r.tags.paradox] or untagged)]
    pairs += [(f"regime:{r.tags.regime}", r.passed) for r in results if r.tags.regime in ("serving", "both")]
    pairs += [("language:zh", r.passed) for r in results if r.tags.language == "zh"]
    return _rows(pairs)


def text_summary(report: Report) -> str:
    """Plain-text summary: tables, totals and one explanation block per failed scenario."""
    lines = [f"Model: {report.model_id}" + ("" if report.with_skill else " (without the skill)")]
    for title, rows in (("protocol", by_protocol(report.results)), ("paradox", by_paradox(report.results))):
        lines.append(f"\n{title:<22} passed / total")
        lines += [f"{row.group:<22} {row.passed:>6} / {row.total}" for row in rows]
    passed = len(report.results) - len(report.failed)
    usage = report.usage
    lines.append(f"\n{passed} / {len(report.results)} scenarios passed; tokens in {usage.input_tokens}, "
                 f"out {usage.output_tokens}; {report.seconds:.2f} s")
    for r in report.failed:
        lines.append(f"\nFAIL {r.id} ({r.protocol})")
        lines += [f"  - {f}" for f in r.failures]
    return scrub("\n".join(lines))


def json_text(report: Report) -> str:
    """The JSON report, secrets scrubbed (answers and errors may echo what a server sent)."""
    return scrub(json.dumps(report.to_json(), indent=2, ensure_ascii=False)) + "\n"


def write_json(report: Report, path: Path, *, force: bool = True) -> None:
    """The JSON report written atomically (`force=False` refuses to replace an existing file)."""
    write_text(path, json_text(report), force=force)


def write_junit(report: Report, path: Path, *, force: bool = True) -> None:
    """Write the JUnit XML of `report` to `path` (refusing to overwrite unless `force`)."""
    write_text(path, junit_text(report), force=force)


def junit_text(report: Report) -> str:
    """One testsuite, one testcase per scenario (classname = protocol), failures with explanations."""
    suite = ET.Element("testsuite", name=f"ecocompute-eval[{report.model_id}]", tests=str(len(report.results)),
                       failures=str(len(report.failed)), time=f"{report.seconds:.3f}")
    for r in report.results:
        case = ET.SubElement(suite, "testcase", classname=f"eval.{r.protocol}", name=r.id, time=f"{r.seconds:.3f}")
        if not r.passed:
            failure = ET.SubElement(case, "failure", message=(r.failures or ["failed"])[0][:200])
            failure.text = "\n".join(r.failures)
    return scrub('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode")) + "\n"


def load_baseline(path: Path) -> dict[str, bool]:
    """Scenario id -> passed, from a JSON report written by `--json`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {s["id"]: bool(s["passed"]) for s in data.get("scenarios", [])}


def regressions(report: Report, baseline: dict[str, bool]) -> list[str]:
    """Scenarios that passed in the baseline and fail now."""
    return [r.id for r in report.results if baseline.get(r.id) and not r.passed]
