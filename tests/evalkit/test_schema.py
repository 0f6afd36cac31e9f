"""The scenario schema and the committed scenarios."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecocompute.evalkit.schema import ScenarioError, load, load_file

ROOT = Path(__file__).resolve().parents[2]
ALL = load(str(ROOT / "evals" / "scenarios" / "*.yaml"))
# Filters may select rows by configuration (what the question asks about), never by a measured value.
FILTER = re.compile(r"\[([^=\]]+)=[^\]]*\]")
CONFIG_KEYS = {"precision", "batch_size", "pattern", "deadline_ms", "region"}


def test_enough_scenarios_over_every_protocol_paradox_and_the_serving_regime() -> None:
    assert len(ALL) >= 75
    assert {s.protocol for s in ALL} == {"optimize", "diagnose", "compare", "estimate", "audit"}
    assert {p for s in ALL for p in s.tags.paradox} == {"int8", "nf4", "batch", "power"}
    assert sum(s.tags.regime in ("serving", "both") for s in ALL) >= 15
    for paradox in ("int8", "nf4", "batch", "power"):
        kinds = {k for s in ALL if paradox in s.tags.paradox for k in s.tags.kind}
        assert {"naive", "symptom"} & kinds, paradox
        assert "zh" in {s.tags.language for s in ALL if paradox in s.tags.paradox}, paradox


def test_numeric_expectations_point_at_tool_results_never_at_typed_numbers() -> None:
    for scenario in ALL:
        for ref in [*scenario.expect.numbers, *scenario.expect.ranges]:
            paths = [ref.path] if isinstance(ref.path, str) else ref.path
            for path in paths:
                assert set(FILTER.findall(path)) <= CONFIG_KEYS, (scenario.id, path)
                assert not re.search(r"(^|\.)[-\d.]+(\.|$)", FILTER.sub("", path)), (scenario.id, path)


def test_attached_files_exist() -> None:
    for scenario in ALL:
        for turn in scenario.turns:
            if turn.file:
                assert (Path(scenario.source).parent / turn.file).is_file(), (scenario.id, turn.file)


def test_invalid_scenarios_get_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: x\n  protocol: nonsense\n  turns: [{text: hi}]\n  expect: {}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="Scenario x in .* is invalid: protocol"):
        load_file(bad)
    with pytest.raises(ScenarioError, match="No scenario files match"):
        load(str(tmp_path / "none-*.yaml"))
