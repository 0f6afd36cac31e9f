"""Record / replay of model HTTP traffic with vcrpy: one cassette per scenario and model.

Secrets (API keys, org and project ids, cookies, auth headers, request ids) are scrubbed from
requests AND responses before anything is written. Requests to a loopback host are stored under the
fixed host `loopback.invalid` so that replays match whatever port the server had. Bodies are matched:
a changed prompt or tool schema no longer matches and the replay fails as a stale cassette.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import vcr

from ecocompute import scrub

CASSETTE_HOST = "loopback.invalid"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SECRET_HEADERS = frozenset({
    "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie",
    "openai-organization", "openai-project", "anthropic-organization-id", "request-id",
    "x-request-id", "cf-ray", "x-goog-api-key",
})
FINGERPRINT_PREFIXES = ("x-stainless", "user-agent")
SECRET_QUERY = ("key", "api_key", "api-key")
MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body")
SAFE_PART = re.compile(r"[A-Za-z0-9_@-][A-Za-z0-9_.@-]*")


class Scrubber:
    """Removes secret headers; secret values and secret-shaped text go through `ecocompute.scrub`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._text = scrub.Scrubber(secrets)

    def text(self, text: str) -> str:
        """`text` with every known secret and anything shaped like an API key redacted."""
        return self._text.text(text)

    def body(self, body: Any) -> Any:
        """A request or response body (bytes or text) with its text scrubbed; other bodies as they are."""
        if isinstance(body, bytes):
            return self.text(body.decode("utf-8", errors="replace")).encode("utf-8")
        if isinstance(body, str):
            return self.text(body)
        return body

    @staticmethod
    def headers(headers: dict[str, Any]) -> dict[str, Any]:
        """The headers without secret ones (keys, cookies) and provider fingerprints."""
        return {k: v for k, v in headers.items()
                if k.lower() not in SECRET_HEADERS and not k.lower().startswith(FINGERPRINT_PREFIXES)}

    def request(self, request: Any) -> Any:
        """A copy of a vcrpy request with its URI normalised and headers and body scrubbed."""
        request = copy.deepcopy(request)
        request.uri = normalise_uri(request.uri)
        request.headers = self.headers(dict(request.headers))
        request.body = self.body(request.body)
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """A copy of a vcrpy response with headers and body scrubbed."""
        response = copy.deepcopy(response)
        response["headers"] = self.headers(response.get("headers", {}))
        response["body"]["string"] = self.body(response["body"].get("string"))
        return response


def normalise_uri(uri: str) -> str:
    """Loopback hosts (any port) become `loopback.invalid`; secret query parameters are dropped."""
    parts = urlsplit(uri)
    if (parts.hostname or "") in LOOPBACK_HOSTS:
        parts = parts._replace(netloc=CASSETTE_HOST)
    if parts.query:
        kept = [q for q in parts.query.split("&") if q.split("=", 1)[0].lower() not in SECRET_QUERY]
        parts = parts._replace(query="&".join(kept))
    return urlunsplit(parts)


def cassette_path(root: Path, label: str, scenario_id: str) -> Path:
    """`<root>/<provider>/<model>/<scenario>.yaml`; `label` is `provider/model`, kept inside `root`."""
    parts = [re.sub(r"[^A-Za-z0-9_.@-]+", "-", part) for part in label.split("/", 1)]
    name = re.sub(r"[^A-Za-z0-9_.@-]+", "-", scenario_id)
    if not all(SAFE_PART.fullmatch(p) for p in [*parts, name]):
        raise ValueError(f"the cassette name {label!r} must be PROVIDER/MODEL with no empty, '.' or '..' part")
    return root / "/".join(parts) / f"{name}.yaml"


def recorder(mode: str, scrubber: Scrubber) -> vcr.VCR:
    """`mode` is 'all' (record, overwrite) or 'none' (replay; any unmatched request fails)."""
    return vcr.VCR(
        record_mode=mode,
        match_on=MATCH_ON,
        before_record_request=scrubber.request,
        before_record_response=scrubber.response,
        decode_compressed_response=True,
        filter_headers=[],
    )


def stale_message(path: Path, model_id: str, scenario_id: str) -> str:
    """One sentence for a cassette whose recorded request no longer matches, with the re-record command."""
    return (f"stale cassette {path}: the request no longer matches what was recorded (the prompt, "
            f"tools or scenario changed); re-record it with `ecocompute eval --record -m {model_id} "
            f"--scenarios <file with {scenario_id}>`.")
