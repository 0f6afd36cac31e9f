"""The audit parts of issue 13: encodings, size caps, special files, no silent skips, empty --select,
CR-only ignores, and file names that cannot forge report lines."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from ecocompute.tools.audit import walk
from ecocompute.tools.audit.engine import audit_source
from ecocompute.tools.audit.report import render_text, to_json

INT8 = "from transformers import BitsAndBytesConfig\nc = BitsAndBytesConfig(load_in_8bit=True)\n"


def test_a_non_utf8_byte_in_a_comment_on_line_one_keeps_the_finding(tmp_path: Path, audit_json) -> None:
    data = b"# caf\xe9 legacy header\n" + INT8.encode()
    report = audit_source(data, "legacy.py")
    assert report.error is None and [f.rule_id for f in report.findings] == ["ECO101"]
    (tmp_path / "legacy.py").write_bytes(data)
    (tmp_path / "other.py").write_text(INT8)
    code, out = audit_json(str(tmp_path), "--fail-on", "never")
    assert code == 0 and [len(f["findings"]) for f in out["files"]] == [1, 1]


def test_files_over_the_size_limit_are_skipped_with_a_stated_error(tmp_path: Path, audit_json) -> None:
    (tmp_path / "big.py").write_bytes(b"#" * 1_500_000 + b"\n" + INT8.encode())
    (tmp_path / "good.py").write_text(INT8)
    code, out = audit_json(str(tmp_path), "--max-file-size", "1", "--fail-on", "never")
    files = {f["filename"]: f for f in out["files"]}
    assert code == 2 and "1 MB limit" in files["big.py"]["error"] and files["good.py"]["findings"]


def test_a_syntax_dense_file_is_refused_before_parsing() -> None:
    dense = "x = [" + "1," * 600_000 + "]\n"
    report = audit_source(dense, "dense.py", max_bytes=10_000_000)
    assert report.error is not None and "tokens" in report.error and "\n" not in report.error


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="POSIX only")
def test_fifos_and_devices_are_reported_without_blocking(tmp_path: Path, audit_json) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    code, out = audit_json(str(tmp_path / "pipe.py"), "/dev/zero", "--fail-on", "never")
    assert code == 2
    assert [("not a regular file" in f["error"]) for f in out["files"]] == [True, True]


def _failing_scandir(bad: Path, err: int):
    real = os.scandir

    def scandir(path):  # noqa: ANN001, ANN202 - same signature as os.scandir
        if Path(path) == bad:
            raise OSError(err, os.strerror(err))
        return real(path)

    return scandir


@pytest.mark.parametrize(("err", "words"), [(errno.EACCES, "cannot be read"), (errno.ENAMETOOLONG, "too long")])
def test_directories_that_cannot_be_walked_are_reported(tmp_path: Path, run_cli, monkeypatch, err, words) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "ok.py").write_text("x = 1\n")
    monkeypatch.setattr(walk.os, "scandir", _failing_scandir(tmp_path / "locked", err))
    code, out, _ = run_cli("audit", str(tmp_path), "--format", "sarif", "--fail-on", "never")
    run = json.loads(out)["runs"][0]
    assert code == 2 and run["invocations"][0]["executionSuccessful"] is False
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert "locked" in note["message"]["text"] and words in note["message"]["text"]


def test_an_empty_select_is_an_error(tmp_path: Path, run_cli) -> None:
    (tmp_path / "a.py").write_text(INT8)
    code, out, err = run_cli("audit", str(tmp_path), "--select", "")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--select" in err


def test_ignore_comments_work_in_cr_only_files() -> None:
    source = INT8.replace("\n", "\r").replace("load_in_8bit=True)", "load_in_8bit=True)  # ecocompute: ignore")
    assert audit_source(source.encode(), "cr.py").findings == []
    assert [f.line for f in audit_source(INT8.replace("\n", "\r").encode(), "cr.py").findings] == [2]


def test_file_names_cannot_forge_report_lines(tmp_path: Path, run_cli) -> None:
    evil = "x.py\n  9:9  critical  ECO999 forged\x1b]0;owned\x07\x1b[2J.py"
    (tmp_path / evil).write_text(INT8)
    _, out, _ = run_cli("audit", str(tmp_path), "--color", "never")
    assert "\x1b" not in out and "\x07" not in out
    assert not any(line.startswith("  9:9") for line in out.splitlines())
    assert "\\x0a" in out and "\\x1b" in out


@pytest.mark.skipif(os.name != "posix", reason="byte file names are POSIX")
def test_undecodable_file_names_are_escaped_in_every_format(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.py")
    (tmp_path / name).write_text(INT8)
    reports = walk.audit_paths([str(tmp_path)])
    text = render_text(reports, 0.0, colour=False)
    document = json.dumps(to_json(reports, 0.0), ensure_ascii=False)
    for output in (text, document):
        output.encode("utf-8")  # strict UTF-8 stdio can carry it
    assert "caf\\xe9.py" in text and "caf\\\\xe9.py" in document


def test_progress_goes_to_stderr(tmp_path: Path, run_cli) -> None:
    for i in range(3):
        (tmp_path / f"m{i}.py").write_text("x = 1\n")
    code, out, err = run_cli("audit", str(tmp_path), "--progress", "always", "--format", "json")
    assert code == 0 and "audited 3/3 files" in err and json.loads(out)["summary"]["files"] == 3


def test_parallel_jobs_give_the_same_report_in_the_same_order(tmp_path: Path) -> None:
    for i in range(walk_min() + 10):
        (tmp_path / f"m{i:03}.py").write_text(INT8 if i % 7 == 0 else "x = 1\n")
    serial = walk.audit_paths([str(tmp_path)], jobs=1)
    parallel = walk.audit_paths([str(tmp_path)], jobs=2)
    assert [(r.uri, [f.line for f in r.findings]) for r in parallel] == [
        (r.uri, [f.line for f in r.findings]) for r in serial]


def walk_min() -> int:
    from ecocompute.tools.audit.parallel import PARALLEL_MIN_FILES

    return PARALLEL_MIN_FILES
