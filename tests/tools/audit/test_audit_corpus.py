"""The corpus under corpus/ gives exactly the findings listed in corpus/expected.txt."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"


def _expected() -> tuple[set[tuple[str, int, str, str]], set[str], set[str]]:
    findings, clean, errors = set(), set(), set()
    for line in (CORPUS / "expected.txt").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        left, *rest = line.split()
        if rest == ["none"]:
            clean.add(left)
        elif rest == ["error"]:
            errors.add(left)
        else:
            name, _, number = left.partition(":")
            findings.add((name, int(number), rest[0], rest[1]))
    return findings, clean, errors


def test_corpus_gives_exactly_the_expected_findings(audit_json) -> None:
    code, report = audit_json(str(CORPUS), "--fail-on", "never")
    found = {(f["filename"], x["line"], x["rule_id"], x["severity"]) for f in report["files"] for x in f["findings"]}
    expected, clean, errors = _expected()
    assert found == expected
    assert {f["filename"] for f in report["files"] if f["error"]} == errors
    assert {f["filename"] for f in report["files"] if not f["error"] and not f["findings"]} == clean
    assert code == 2  # no failing finding (--fail-on never), but two files do not parse


def test_every_corpus_file_has_an_expectation_and_there_are_at_least_30() -> None:
    files = {p.name for p in CORPUS.glob("*.py")}
    expected, clean, errors = _expected()
    assert files == {name for name, *_ in expected} | clean | errors
    assert len(files) >= 30


def test_auditing_never_runs_the_code(audit_json) -> None:
    audit_json(str(CORPUS), "--fail-on", "never")
    assert not list(CORPUS.glob("*.ran"))
    assert not Path("/tmp/ecocompute_audit_pwned").exists()


def test_comments_strings_and_docstrings_never_trigger(audit_json) -> None:
    _, report = audit_json(str(CORPUS / "comments_and_strings.py"))
    assert report["files"][0]["findings"] == []


def test_injected_instructions_do_not_change_findings_or_leak_into_snippets(audit_json) -> None:
    _, report = audit_json(str(CORPUS / "prompt_injection.py"))
    (finding,) = report["files"][0]["findings"]
    assert finding["rule_id"] == "ECO101" and finding["severity"] == "critical"
    assert "IGNORE" not in finding["snippet"] and "#" not in finding["snippet"]
