"""Secrets: one scrubber for every artefact (eval reports, cassettes, error messages), by value (any length)
and by pattern; skill scripts never echo a file read with `@PATH`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.loopback import MODEL, ScriptedServer, anthropic_error, openai_error
from vcr.request import Request

from ecocompute import __version__
from ecocompute.commands.export import run_script
from ecocompute.evalkit.cassettes import Scrubber as CassetteScrubber
from ecocompute.loop import run_agent
from ecocompute.messages import ModelError, Reply
from ecocompute.providers.base import make_model
from ecocompute.scrub import Scrubber, scrub

SHORT_KEY = "k3y9"
PATTERNED = {
    "Authorization: Bearer abc.def-123": "abc.def-123",
    "GET https://alice:hunter2pass@db.example.com/x": "hunter2pass",
    "https://h.example/p?token=tok_998877&x=1": "tok_998877",
    "https://h.example/p?access_token=ya29.AAAA": "ya29.AAAA",
    "https://bucket.example/o?X-Amz-Signature=f00dfeed&sig=c0ffee42": "c0ffee42",
    "https://bucket.example/o?sig=c0ffee42": "c0ffee42",
    '{"error": "bad key sk-ant-api03-abcdefghijk"}': "sk-ant-api03-abcdefghijk",
}


@pytest.mark.parametrize("text", list(PATTERNED))
def test_secret_patterns_are_scrubbed(text: str) -> None:
    assert PATTERNED[text] not in scrub(text)


@pytest.mark.parametrize("value", ["k3y", SHORT_KEY, "abcde", "x" * 40])
def test_environment_keys_of_any_length_are_scrubbed(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOME_VENDOR_API_KEY", value)
    assert value not in scrub(f"the server said: invalid key {value}.")


def test_flags_and_paths_in_credential_variables_are_not_treated_as_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_DISABLE_TOKEN", "1")
    monkeypatch.setenv("GOOGLE_CREDENTIALS", "/home/me/creds.json")
    assert scrub('{"batch_size": 1}') == '{"batch_size": 1}'


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_an_echoed_bearer_key_never_reaches_the_error_message(loopback: ScriptedServer, provider: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-shortkey"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    detail = f"Invalid header: Authorization: Bearer {key} (also {key})"
    loopback.push(openai_error(400, detail) if provider == "openai"
                  else anthropic_error(400, "invalid_request_error", detail))
    base = f"{loopback.url}/v1" if provider == "openai" else loopback.url
    model = make_model(f"{provider}:{MODEL}", base_url=base, api_key=key, max_retries=0)
    with pytest.raises(ModelError) as info:
        run_agent(model, "q", system="s")
    assert info.value.kind == "bad_request" and key not in info.value.message and "400" in info.value.message


def test_the_cassette_scrubber_removes_short_keys_and_uri_credentials() -> None:
    scrubber = CassetteScrubber([SHORT_KEY])
    request = Request("POST", "http://127.0.0.1:4321/v1/chat", json.dumps({
        "echo": f"key {SHORT_KEY}", "url": "https://bob:s3cretpw@h.example/a?token=tt11&sig=ss22"}).encode(), {})
    body = scrubber.request(request).body.decode()
    for secret in (SHORT_KEY, "s3cretpw", "tt11", "ss22"):
        assert secret not in body
    assert json.loads(body)  # still a valid body


def test_eval_reports_are_scrubbed(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_SERVICE_TOKEN", SHORT_KEY)
    leaked = f"Use Bearer zzTOPsecret99 or key {SHORT_KEY} at https://u:pw12345@h.example/?sig=abc123."
    script = tmp_path / "steps.json"
    script.write_text(json.dumps([Reply(text=leaked).model_dump(mode="json")]), encoding="utf-8")
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text("- id: leak\n  protocol: estimate\n  turns:\n    - text: What will it cost?\n  expect: {}\n", encoding="utf-8")
    outcome = cli("eval", "--scenarios", str(scenarios), "-m", f"scripted:{script}",
                  "--json", str(tmp_path / "r.json"), "--junit", str(tmp_path / "r.xml"))
    assert outcome.code in (0, 1), outcome.err
    for artefact in ((tmp_path / "r.json").read_text(encoding="utf-8"), (tmp_path / "r.xml").read_text(encoding="utf-8"),
                     outcome.out):
        for secret in ("zzTOPsecret99", SHORT_KEY, "pw12345", "abc123"):
            assert secret not in artefact


def test_a_skill_script_never_echoes_a_file_read_with_at_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret_file = tmp_path / "credentials"
    secret_file.write_text("aws_secret_access_key = wJalrXUtnFEMI\nsecond-line-data\n", encoding="utf-8")
    for flag in ("--gpu", "--model", "--precision"):
        assert run_script("lookup_measurement", [flag, f"@{secret_file}"], bundle_version=__version__) == 2
        captured = capsys.readouterr()
        for text in (captured.out, captured.err):
            assert "wJalrXUtnFEMI" not in text and "second-line-data" not in text and "aws_secret" not in text


def test_scrubbing_is_linear_in_the_text() -> None:
    import time

    text = "a" * 200_000 + "://" * 50_000 + "Bearer " * 20_000
    start = time.process_time()
    Scrubber(["abcdefgh"], from_environment=False).text(text)
    assert time.process_time() - start < 3
