"""Version awareness: pins next to the audited file settle version-dependent findings, and every
finding names the versions it depends on (message and SARIF properties)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecocompute.tools.audit.versions import major_below

NO_DTYPE = ("from transformers import AutoModelForCausalLM\n"
            "model = AutoModelForCausalLM.from_pretrained('mistralai/Mistral-7B-v0.1', device_map='cuda')\n")


@pytest.mark.parametrize(("pin", "expected"), [
    (None, [("ECO501", "conditional")]),
    ("transformers==4.46.3\n", [("ECO501", "warning")]),
    ("transformers>=4.40,<5\n", [("ECO501", "warning")]),
    ("transformers>=5.0\n", []),
])
def test_implicit_fp32_depends_on_the_pinned_transformers(tmp_path: Path, audit_json, pin, expected) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "serve.py").write_text(NO_DTYPE)
    if pin:
        (tmp_path / "requirements.txt").write_text("torch>=2.1\n" + pin)
    _, report = audit_json(str(tmp_path), "--fail-on", "never")
    findings = report["files"][0]["findings"]
    assert [(f["rule_id"], f["severity"]) for f in findings] == expected
    for finding in findings:
        assert "transformers" in finding["message"] and "dtype" in finding["message"]
        assert finding["versions"]["transformers"] == (f"{pin.strip()[12:]} (requirements.txt)" if pin
                                                      else "< 5 assumed (not pinned)")


def test_pyproject_pins_are_read_and_named_in_int8_findings(tmp_path: Path, audit_json) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\ndependencies = ["bitsandbytes==0.43.1", "vllm>=0.6"]\n')
    (tmp_path / "q.py").write_text("from transformers import BitsAndBytesConfig\n"
                                   "c = BitsAndBytesConfig(load_in_8bit=True)\n")
    _, report = audit_json(str(tmp_path))
    (finding,) = report["files"][0]["findings"]
    assert finding["versions"] == {"bitsandbytes": "==0.43.1 (pyproject.toml)", "transformers": "not pinned"}
    assert "bitsandbytes: ==0.43.1 (pyproject.toml)" in finding["message"]


def test_major_below() -> None:
    assert major_below("==4.46.0", 5) is True and major_below("~=5.1", 5) is False
    assert major_below("<5", 5) is True and major_below("<=5.2", 5) is None and major_below(">=5", 5) is False
    assert major_below(">=4.30", 5) is None
