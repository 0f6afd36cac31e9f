"""One test per scenario on the offline engine, and one per committed cassette (replay only)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from loopback import CASSETTES, FLAVOURS, replay, scenarios_by_id

from ecocompute.evalkit.runner import RunSettings, ScenarioResult, run_one
from ecocompute.evalkit.schema import Scenario
from ecocompute.prompting import system_prompt
from ecocompute.providers.base import make_model

SCENARIOS = scenarios_by_id()


@cache
def _system() -> str:
    return system_prompt()


def _explain(result: ScenarioResult) -> str:
    return f"{result.id} failed:\n  " + "\n  ".join(result.failures) + f"\n--- answer ---\n{result.answer}"


@pytest.mark.parametrize("scenario", list(SCENARIOS.values()), ids=lambda s: s.id)
def test_offline_engine_passes(scenario: Scenario) -> None:
    result = run_one(scenario, RunSettings(make=lambda: make_model("offline"), system=_system()))
    assert result.passed, _explain(result)


def _cassettes() -> list[tuple[str, Path]]:
    by_label = {label: flavour for flavour, label in FLAVOURS.items()}
    found = []
    for path in sorted(CASSETTES.rglob("*.yaml")):
        label = "/".join(path.relative_to(CASSETTES).parts[:2])
        if label in by_label:
            found.append((by_label[label], path))
    return found


@pytest.mark.parametrize(("flavour", "path"), _cassettes(), ids=lambda v: v if isinstance(v, str) else v.stem)
def test_cassette_replays(flavour: str, path: Path) -> None:
    result = replay(flavour, SCENARIOS[path.stem])
    assert result.error is None, result.error
    assert result.passed, _explain(result)


def test_cassettes_are_committed_for_both_wire_formats() -> None:
    flavours = {flavour for flavour, _ in _cassettes()}
    assert flavours == set(FLAVOURS)
