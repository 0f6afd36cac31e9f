"""What the provider adapters share below the SDKs: the HTTP client's limits and reading untrusted bodies.

Limits: a total deadline per request (a server that trickles bytes is cut off, not only a silent one),
and a cap on how long a `Retry-After` header may make us wait (beyond it the request fails at once).
Bodies: a response is parsed here with `ecocompute.safejson`, never trusted to have the documented
shape; anything unusable is one `ModelError` of kind `server`.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from typing import Any

import httpx2

from ecocompute import safejson
from ecocompute.messages import ModelError
from ecocompute.providers.base import DEFAULT_TIMEOUT

__all__ = ["DEFAULT_TIMEOUT", "body_object", "client_options", "count", "label", "name", "unusable"]
MAX_RETRY_AFTER = 20.0
MAX_COUNT = 10**12


def client_options(timeout: float) -> dict[str, Any]:
    """Keyword arguments for an SDK's `DefaultHttpxClient`: the deadline transport and the Retry-After cap."""
    return {
        "transport": _Deadline(httpx2.HTTPTransport(), timeout),
        "event_hooks": {"response": [_cap_retry_after]},
        "timeout": httpx2.Timeout(timeout, connect=min(timeout, 10.0)),
    }


class _Deadline(httpx2.BaseTransport):
    """Fails a request whose body is still arriving `seconds` after it was sent."""

    def __init__(self, inner: httpx2.BaseTransport, seconds: float) -> None:
        self._inner = inner
        self._seconds = seconds

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        deadline = time.monotonic() + self._seconds
        response = self._inner.handle_request(request)
        response.stream = _DeadlineStream(response.stream, deadline, request)  # type: ignore[arg-type]
        return response

    def close(self) -> None:
        self._inner.close()


class _DeadlineStream(httpx2.SyncByteStream):
    def __init__(self, inner: Any, deadline: float, request: httpx2.Request) -> None:
        self._inner, self._deadline, self._request = inner, deadline, request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise httpx2.ReadTimeout("response still arriving at the deadline", request=self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


def _cap_retry_after(response: httpx2.Response) -> None:
    """A server asking us to wait longer than `MAX_RETRY_AFTER` gets no retry: the error surfaces now."""
    seconds = retry_after_seconds(response.headers)
    if seconds is not None and seconds > MAX_RETRY_AFTER:
        response.headers["x-should-retry"] = "false"


def retry_after_seconds(headers: httpx2.Headers) -> float | None:
    """`retry-after-ms`, `retry-after` in seconds or as an HTTP date; None when absent or unreadable."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is None:
                continue
            seconds = float(email.utils.mktime_tz(parsed) - time.time())
        return seconds if seconds == seconds else float("inf")  # NaN waits for ever: treat as too long
    return None


# --- untrusted bodies ---------------------------------------------------------------------------


def unusable(where: str, why: str) -> ModelError:
    return ModelError(f"The model server at {where} sent an unusable response ({why}).", kind="server")


def body_object(content: bytes, where: str) -> dict[str, Any]:
    """The response body as a JSON object, or an `unusable` error saying why not."""
    try:
        data = safejson.loads(content)
    except safejson.JSONInputError as exc:
        raise unusable(where, "empty body" if not content.strip() else exc.reason) from None
    if not isinstance(data, dict):
        raise unusable(where, f"a JSON {type(data).__name__} instead of an object")
    return data


def count(value: Any) -> int:
    """A token count: a non-negative integer below `MAX_COUNT`, else 0 (odd usage never fails a reply)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_COUNT:
        return value
    return 0


def label(value: Any) -> str | None:
    """A stop reason or similar label: a short string, else None."""
    return value[:100] if isinstance(value, str) else None


def name(value: Any, what: str, where: str) -> str:
    """A required non-empty string (tool call id or name) or an `unusable` error."""
    if isinstance(value, str) and value.strip():
        return value
    raise unusable(where, f"a tool call without a {what}")
