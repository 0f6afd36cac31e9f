"""Engine, resolution, silencing, impact provenance and the one-walk-per-file contract."""

from __future__ import annotations

import ast
import dataclasses

import pytest

from ecocompute.tools import evidence
from ecocompute.tools.audit import engine, findings, model
from ecocompute.tools.audit.collect import collect
from ecocompute.tools.audit.engine import Selection, audit_source
from ecocompute.tools.audit.resolve import UNKNOWN, DictValue, Partial, Resolver
from ecocompute.tools.dataset import load


def _rules(source: str, selection: Selection = engine.ALL_RULES) -> list[tuple[int, str, str]]:
    return [(f.line, f.rule_id, f.severity) for f in audit_source(source, selection=selection).findings]


def _value(source: str, expr: str) -> object:
    tree = ast.parse(source + f"\n__probe__ = {expr}\n")
    facts = collect(tree)
    return Resolver(facts).lookup("__probe__", 0, 0)


def test_resolution_of_constants_fstrings_concatenation_and_dicts() -> None:
    assert _value("A = 'org'\nB = f'{A}/m-1.5B'", "B") == "org/m-1.5B"
    assert _value("import sys\nA = sys.argv[1]", "f'{A}/m-1.5B'") == Partial((None, "/m-1.5B"))
    assert _value("A = 'x'", "A + '-' + 'y'") == "x-y"
    merged = _value("BASE = {'a': 1}", "dict(**BASE, b=True)")
    assert isinstance(merged, DictValue) and merged == {"a": 1, "b": True} and merged.complete
    assert _value("X = 1\nX = 2", "X") is UNKNOWN
    assert _value("X = X + 1", "X") is UNKNOWN  # self-reference ends, unknown


def test_a_constant_defined_after_the_function_still_resolves() -> None:
    src = ("from transformers import AutoModelForCausalLM\n"
           "def load():\n    return AutoModelForCausalLM.from_pretrained(NAME, load_in_4bit=True)\n"
           "NAME = 'TinyLlama/TinyLlama-1.1B-Chat-v1.0'\n")
    assert _rules(src) == [(3, "ECO201", "warning")]


def test_ignore_needs_a_real_comment_on_a_line_the_finding_spans() -> None:
    base = "from transformers import BitsAndBytesConfig\n"
    assert _rules(base + "c = BitsAndBytesConfig(load_in_8bit=True)  # ecocompute: ignore[ECO101]\n") == []
    assert _rules(base + "c = BitsAndBytesConfig(load_in_8bit=True, x='# ecocompute: ignore')\n") == [
        (2, "ECO101", "critical")]
    assert _rules(base + "c = BitsAndBytesConfig(load_in_8bit=True)  # ecocompute: ignore[ECO201]\n") == [
        (2, "ECO101", "critical")]


def test_select_and_ignore() -> None:
    src = "m.generate(x, use_cache=False)\npipeline('text-generation', batch_size=1)\n"
    assert {r for _, r, _ in _rules(src)} == {"ECO401", "ECO303"}
    assert _rules(src, Selection(frozenset({"ECO303"}))) == [(2, "ECO303", "warning")]
    assert _rules(src, Selection(None, frozenset({"ECO303"}))) == [(1, "ECO401", "warning")]


def test_impact_comes_from_evidence_with_its_rows() -> None:
    src = "from transformers import BitsAndBytesConfig\nc = BitsAndBytesConfig(load_in_8bit=True)\n"
    (finding,) = audit_source(src).findings
    penalty, pure = evidence.int8_default_penalty(), evidence.int8_pure_effect()
    assert penalty.claim.rstrip(".") in finding.impact.statement
    assert "accuracy" in finding.impact.statement  # the caveat of llm_int8_threshold=0.0
    assert (finding.impact.low_pct, finding.impact.high_pct) == (penalty.low_pct, penalty.high_pct)
    assert set(finding.impact.row_ids) == set(penalty.row_ids) | set(pure.row_ids)
    known = {m.row_id for m in load().measurements}
    assert set(finding.impact.row_ids) <= known and finding.impact.basis == penalty.basis


def test_unmeasured_rules_claim_no_number() -> None:
    (finding,) = audit_source("m.generate(x, use_cache=False)\n").findings
    assert finding.impact.basis == "unavailable" and finding.impact.row_ids == []
    assert not any(ch.isdigit() for ch in finding.impact.statement + finding.message)


def test_one_walk_per_file_and_untriggered_files_are_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[ast.Module] = []
    monkeypatch.setattr(engine, "collect", lambda tree, *rest: walks.append(tree) or collect(tree, *rest))
    audit_source("m.generate(x, use_cache=False)\nf(batch_size=1)\nBitsAndBytesConfig(load_in_8bit=True)\n")
    assert len(walks) == 1
    audit_source("import os\nprint(os.getcwd())\n")
    assert len(walks) == 1


def test_unparsable_source_is_reported_not_raised() -> None:
    report = audit_source(b"def f(:\n", "bad.py")
    assert report.error is not None and "line 1" in report.error and report.findings == []
    assert audit_source(b"x = '\0'\0", "nul.py").error is not None


def test_the_tool_result_embeds_the_engine_records_with_their_field_docstrings() -> None:
    schema = model.AuditResult.model_json_schema()
    assert schema["properties"]["findings"]["items"] == {"$ref": "#/$defs/Finding"}
    for record in (findings.Finding, findings.Impact):
        fields = schema["$defs"][record.__name__]["properties"]
        assert list(fields) == [f.name for f in dataclasses.fields(record)]
    assert fields["statement"]["description"] and schema["$defs"]["Finding"]["properties"]["severity"]["enum"]


def test_stdlib_sample_audits_without_crashing_and_reports_unparsable_files() -> None:
    import sysconfig
    from pathlib import Path

    from ecocompute.tools.audit.walk import audit_paths

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    roots = [str(p) for p in (stdlib / "json", stdlib / "lib2to3" / "tests" / "data") if p.is_dir()]
    if not roots:
        pytest.skip("this interpreter's stdlib sample is not on disk")
    reports = audit_paths(roots)
    odd = [(r.path, r.error) for r in reports if r.error is not None and "parse" not in r.error]
    assert reports and not odd, odd
    assert any(r.error for r in reports) == any("lib2to3" in root for root in roots)
