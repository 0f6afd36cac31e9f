"""Cassettes: no secret survives (requests and responses), loopback naming, stale cassettes are named."""

from __future__ import annotations

from pathlib import Path

import loopback
import pytest
import yaml
from vcr.request import Request

from ecocompute.evalkit.cassettes import Scrubber, cassette_path, normalise_uri
from ecocompute.evalkit.runner import run_one

ROOT = Path(__file__).resolve().parents[2]

SECRETS = ("sk-", "authorization", "x-api-key", "set-cookie", "cookie-value-to-scrub", "org-loopback-to-scrub",
           "loopback-org-to-scrub", "openai-organization", "anthropic-organization-id", "x-stainless",
           loopback.FAKE_KEY)


def _committed() -> list[Path]:
    found = sorted((ROOT / "evals" / "cassettes").rglob("*.yaml"))
    assert found, "no eval cassettes committed"
    return found


@pytest.mark.parametrize("path", _committed(), ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_no_secret_survives_in_a_committed_cassette(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    assert not [s for s in SECRETS if s.lower() in text]


@pytest.mark.parametrize("path", _committed(), ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_committed_cassettes_are_named_after_the_loopback_server(path: Path) -> None:
    assert path.parent.parent.name.startswith("loopback-") and path.parent.name == "scripted"
    for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
        assert interaction["request"]["uri"].startswith("http://loopback.invalid/")
        assert loopback.MODEL_NAME in interaction["response"]["body"]["string"]


def test_scrubber_cleans_request_and_response() -> None:
    scrubber = Scrubber(["my-secret-key-123"])
    request = Request("POST", "http://127.0.0.1:4321/v1/chat?key=abc&x=1",
                      b'{"echo": "my-secret-key-123", "k": "sk-proj-ABCDEFGHIJKLMNOP"}',
                      {"Authorization": "Bearer x", "Cookie": "a=b", "OpenAI-Project": "p", "User-Agent": "u"})
    clean = scrubber.request(request)
    assert clean.uri == "http://loopback.invalid/v1/chat?x=1"
    assert set(clean.headers) == set()
    assert b"my-secret-key-123" not in clean.body and b"sk-proj" not in clean.body
    response = {"status": {"code": 200, "message": "OK"},
                "headers": {"Set-Cookie": ["s"], "openai-organization": ["org-abcdefghijk"], "x-request-id": ["r"],
                            "content-type": ["application/json"]},
                "body": {"string": b'{"org": "org-abcdefghijk", "key": "sk-ant-api03-XYZXYZXYZ"}'}}
    scrubbed = scrubber.response(response)
    assert list(scrubbed["headers"]) == ["content-type"]
    assert b"org-abcdefghijk" not in scrubbed["body"]["string"] and b"sk-ant" not in scrubbed["body"]["string"]
    assert "Authorization" in request.headers  # the live request is untouched


def test_a_real_host_is_kept_and_cassettes_are_filed_by_provider_and_model(tmp_path: Path) -> None:
    assert normalise_uri("https://api.example.com/v1/messages") == "https://api.example.com/v1/messages"
    assert cassette_path(tmp_path, "openai/some model", "s1") == tmp_path / "openai" / "some-model" / "s1.yaml"


def test_recording_scrubs_secrets_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loopback, "CASSETTES", tmp_path)
    scenario = loopback.scenarios_by_id()["nf4-compare-qwen15b-5090"]
    assert loopback.record("openai", scenario).passed
    text = next(tmp_path.rglob("*.yaml")).read_text(encoding="utf-8").lower()
    assert not [s for s in SECRETS if s.lower() in text]


def test_a_changed_prompt_is_reported_as_a_stale_cassette() -> None:
    scenario = loopback.scenarios_by_id()["nf4-compare-qwen15b-5090"]
    settings = loopback.settings_for("openai", "http://127.0.0.1:9", "none")
    changed = settings.__class__(**{**settings.__dict__, "system": settings.system + "\nA changed rule."})
    result = run_one(scenario, changed)
    assert not result.passed
    assert "stale cassette" in result.error and "re-record" in result.error and "--record" in result.error


def test_replay_without_a_cassette_says_how_to_record() -> None:
    scenario = loopback.scenarios_by_id()["bad-empty-code"]
    result = loopback.replay("openai", scenario)
    assert result.error is not None and "no cassette" in result.error and "--record" in result.error
