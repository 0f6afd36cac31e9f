"""Run scenarios against a model and grade them: one `ScenarioResult` per scenario.

The runner knows nothing about providers: it gets a `make` callable that builds a fresh model per
scenario, and optionally a cassette plan (record or replay) that wraps each scenario's HTTP traffic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Literal

from pydantic import BaseModel, Field

from ecocompute.evalkit import cassettes
from ecocompute.evalkit.graders import Verdict
from ecocompute.evalkit.grading import grade
from ecocompute.evalkit.schema import Scenario, Tags
from ecocompute.files import staged
from ecocompute.messages import Message, ModelError, Transcript, Usage
from ecocompute.providers.base import Model
from ecocompute.registry import TOOLS, ToolSpec

Judge = Callable[[Scenario, Transcript], Verdict]


class ScenarioResult(BaseModel):
    """A graded scenario; `error` is set when no transcript could be produced."""

    id: str
    protocol: str
    tags: Tags
    passed: bool
    verdicts: list[Verdict] = Field(default_factory=list)
    error: str | None = None
    usage: Usage = Field(default_factory=Usage)
    seconds: float = 0.0
    answer: str = ""
    tool_calls: list[str] = Field(default_factory=list)
    transcript: Transcript | None = None

    @property
    def failures(self) -> list[str]:
        """The error, then each failed grader's explanation."""
        found = [f"{v.grader}: {v.why}" for v in self.verdicts if not v.passed]
        return ([f"error: {self.error}"] if self.error else []) + found


@dataclass(frozen=True)
class CassettePlan:
    """Record (`all`) or replay (`none`) one cassette per scenario under `root/label/`."""

    mode: Literal["all", "none"]
    root: Path
    label: str
    model_id: str
    scrubber: cassettes.Scrubber

    def path(self, scenario_id: str) -> Path:
        """The cassette file of one scenario."""
        return cassettes.cassette_path(self.root, self.label, scenario_id)


@dataclass(frozen=True)
class RunSettings:
    make: Callable[[], Model]
    with_skill: bool = True
    system: str = ""
    tools: Sequence[ToolSpec] = TOOLS
    judge: Judge | None = None
    cassettes: CassettePlan | None = None
    max_turns: int = 8


def converse(model: Model, turns: list[str], settings: RunSettings) -> Transcript:
    """Run the user turns in order, each continuing the conversation; one merged transcript."""
    from ecocompute.loop import run_agent

    merged: Transcript | None = None
    history: list[Message] = []
    for text in turns:
        history.append(Message.user(text))
        part = run_agent(model, history, system=settings.system, tools=settings.tools,
                         max_turns=settings.max_turns)
        merged = part if merged is None else _merge(merged, part)
        history = list(part.messages)
    assert merged is not None  # a scenario has at least one turn (schema)
    return merged


def _merge(before: Transcript, after: Transcript) -> Transcript:
    return before.model_copy(update={
        "messages": after.messages,
        "tool_runs": before.tool_runs + after.tool_runs,
        "turns": before.turns + after.turns,
        "usage": before.usage + after.usage,
        "seconds": before.seconds + after.seconds,
    })


@contextmanager
def _cassette(plan: CassettePlan | None, scenario: Scenario) -> Iterator[None]:
    if plan is None:
        yield
        return
    path = plan.path(scenario.id)
    if plan.mode == "none":
        if not path.exists():
            raise _NoCassette(f"no cassette {path}; record it with `ecocompute eval --record -m {plan.model_id}`.")
        with cassettes.recorder(plan.mode, plan.scrubber).use_cassette(str(path)):
            yield
        return
    with staged(path) as fresh:  # the old cassette stays until the new one is complete
        with cassettes.recorder(plan.mode, plan.scrubber).use_cassette(str(fresh)):
            yield
        if not fresh.exists():  # nothing was recorded: an old cassette would no longer match
            path.unlink(missing_ok=True)


class _NoCassette(Exception):
    pass


def run_one(scenario: Scenario, settings: RunSettings) -> ScenarioResult:
    """Run and grade one scenario; model errors and stale cassettes become a failed result."""
    from vcr.errors import CannotOverwriteExistingCassetteException

    started = perf_counter()
    base = Path(scenario.source).parent if scenario.source else None
    result = ScenarioResult(id=scenario.id, protocol=scenario.protocol, tags=scenario.tags, passed=False)
    try:
        with _cassette(settings.cassettes, scenario):
            transcript = converse(settings.make(), scenario.user_messages(base), settings)
    except _NoCassette as exc:
        return result.model_copy(update={"error": str(exc), "seconds": perf_counter() - started})
    except CannotOverwriteExistingCassetteException as exc:
        assert settings.cassettes is not None
        detail = _diff_excerpt(str(exc))
        message = cassettes.stale_message(settings.cassettes.path(scenario.id), settings.cassettes.model_id, scenario.id)
        return result.model_copy(update={"error": message + detail, "seconds": perf_counter() - started})
    except ModelError as exc:
        partial = exc.transcript
        return result.model_copy(update={"error": f"model error ({exc.kind}): {exc}", "transcript": partial,
                                         "seconds": perf_counter() - started})
    verdicts = grade(transcript, scenario.expect)
    if settings.judge is not None and scenario.expect.rubric:
        verdicts.append(settings.judge(scenario, transcript))
    return result.model_copy(update={
        "passed": all(v.passed for v in verdicts),
        "verdicts": verdicts,
        "usage": transcript.usage,
        "seconds": perf_counter() - started,
        "answer": transcript.answer,
        "tool_calls": [r.call.name for r in transcript.tool_runs],
        "transcript": transcript,
    })


def _diff_excerpt(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip().startswith(("-", "+")) and "---" not in line
             and "+++" not in line]
    return (" First difference: " + " / ".join(line.strip() for line in lines[:4])) if lines else ""


def run_all(scenarios: Sequence[Scenario], settings: RunSettings, *, jobs: int = 1,
            progress: Callable[[ScenarioResult], None] | None = None) -> list[ScenarioResult]:
    """Run every scenario (in parallel without cassettes: vcrpy patches HTTP process-wide)."""
    workers = 1 if settings.cassettes is not None else max(1, jobs)

    def one(scenario: Scenario) -> ScenarioResult:
        result = run_one(scenario, settings)
        if progress is not None:
            progress(result)
        return result

    if workers == 1:
        return [one(s) for s in scenarios]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, scenarios))


