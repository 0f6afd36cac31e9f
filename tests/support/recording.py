"""vcrpy configuration for cassettes recorded from the loopback scripted server.

Secrets are scrubbed from requests and responses before anything is written; the ephemeral
port is replaced by a fixed host so that replays match; bodies are matched, so a changed request
(prompt, tool schema, message conversion) fails as a stale cassette instead of passing silently.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import vcr

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
FAKE_KEYS = ("sk-loopback-FAKE-key-0000", "sk-ant-loopback-FAKE-key-0000")
CASSETTE_HOST = "loopback.invalid"
SECRET_HEADERS = frozenset({
    "authorization",
    "x-api-key",
    "api-key",
    "cookie",
    "set-cookie",
    "openai-organization",
    "openai-project",
    "anthropic-organization-id",
    "request-id",
    "x-request-id",
    "host",
})
MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body")


def _drop(headers: dict[str, Any]) -> dict[str, Any]:
    """Remove secrets and the SDKs' machine fingerprint (OS, runtime, versions)."""
    return {
        k: v
        for k, v in headers.items()
        if k.lower() not in SECRET_HEADERS
        and not k.lower().startswith(("x-stainless", "user-agent"))
    }


def _scrub_text(text: str) -> str:
    for key in FAKE_KEYS:
        text = text.replace(key, "REDACTED")
    return text


def scrub_request(request: Any) -> Any:
    request = copy.deepcopy(request)
    parts = urlsplit(request.uri)
    request.uri = urlunsplit(parts._replace(netloc=CASSETTE_HOST))
    request.headers = _drop(dict(request.headers))
    if isinstance(request.body, bytes):
        request.body = _scrub_text(request.body.decode("utf-8")).encode("utf-8")
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    response = copy.deepcopy(response)
    response["headers"] = _drop(response["headers"])
    body = response["body"].get("string")
    if isinstance(body, bytes):
        response["body"]["string"] = _scrub_text(body.decode("utf-8")).encode("utf-8")
    return response


def recorder(record_mode: str) -> vcr.VCR:
    """A VCR over `tests/cassettes` with scrubbing and body matching."""
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=MATCH_ON,
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
    )
