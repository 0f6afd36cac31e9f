"""No secret survives in a committed cassette, and every cassette says where it was recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support.loopback import SECRET_RESPONSE_HEADERS
from support.recording import CASSETTES, FAKE_KEYS, scrub_request, scrub_response
from vcr.request import Request

FORBIDDEN = (
    *FAKE_KEYS,
    "sk-",
    "authorization",
    "x-api-key",
    "openai-organization",
    "anthropic-organization-id",
    "set-cookie",
    "cookie-value-to-scrub",
    "org-loopback-to-scrub",
    "x-stainless",
)


def _cassettes() -> list[Path]:
    found = sorted(Path(CASSETTES).rglob("*.yaml"))
    assert found, "no cassettes committed"
    return found


@pytest.mark.parametrize("path", _cassettes(), ids=lambda p: p.name)
def test_cassette_holds_no_secret(path: Path) -> None:
    text = path.read_text(encoding="utf-8").lower()
    leaked = [word for word in FORBIDDEN if word.lower() in text]
    assert not leaked, f"{path.name} contains {leaked}"


@pytest.mark.parametrize("path", _cassettes(), ids=lambda p: p.name)
def test_cassette_was_recorded_from_the_loopback_server(path: Path) -> None:
    assert path.name.startswith("loopback-scripted-")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for interaction in data["interactions"]:
        assert interaction["request"]["uri"].startswith("http://loopback.invalid/")
        assert '"model": "loopback-scripted"' in interaction["response"]["body"]["string"]


def test_scrubbers_remove_secrets_from_request_and_response() -> None:
    request = Request(
        "POST",
        "http://127.0.0.1:5555/v1/messages",
        f'{{"echo": "{FAKE_KEYS[0]}"}}'.encode(),
        {"Authorization": f"Bearer {FAKE_KEYS[0]}", "X-Api-Key": FAKE_KEYS[1], "Cookie": "a=b"},
    )
    clean = scrub_request(request)
    assert clean.uri == "http://loopback.invalid/v1/messages"
    assert not {"authorization", "x-api-key", "cookie"} & {k.lower() for k in clean.headers}
    assert FAKE_KEYS[0] not in clean.body.decode()
    assert "Authorization" in request.headers  # the live request is untouched
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {k: [v] for k, v in SECRET_RESPONSE_HEADERS.items()} | {"content-type": ["x"]},
        "body": {"string": FAKE_KEYS[1].encode()},
    }
    scrubbed = scrub_response(response)
    assert list(scrubbed["headers"]) == ["content-type"]
    assert FAKE_KEYS[1].encode() not in scrubbed["body"]["string"]
