"""A scripted OpenAI- and Anthropic-compatible HTTP server on 127.0.0.1 (ephemeral port).

It answers POSTs with planned responses in order (tool calls, final answers, HTTP errors, slow
replies) and records what it received. Everything it says is planned by a test: nothing here is,
or pretends to be, a vendor model's answer. Its model name is `loopback-scripted`.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

MODEL = "loopback-scripted"
# Headers a real vendor might send; the cassette filters must strip them.
SECRET_RESPONSE_HEADERS = {
    "set-cookie": "loopback-session=cookie-value-to-scrub; Path=/",
    "openai-organization": "org-loopback-to-scrub",
    "anthropic-organization-id": "loopback-org-to-scrub",
}


@dataclass
class Planned:
    """One planned response; `path` (when set) must match the request path."""

    body: dict[str, Any] | None = None
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None
    raw: bytes | None = None  # sent verbatim instead of `body` (non-JSON, HTML, truncated bodies)
    trickle: float = 0.0  # seconds between the bytes of the body (a server that never finishes)


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


class ScriptedServer:
    """Start with `with ScriptedServer() as server:`; plan with `server.push(...)`."""

    def __init__(self) -> None:
        self.plan: deque[Planned] = deque()
        self.received: list[Received] = []
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def push(self, *planned: Planned) -> None:
        self.plan.extend(planned)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def respond(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> Planned:
        body = json.loads(raw) if raw else None
        self.received.append(Received(method, path, headers, body))
        if not self.plan:
            return Planned(status=500, body=_error("the loopback server has no planned response"))
        planned = self.plan.popleft()
        if planned.path is not None and planned.path != path:
            return Planned(status=404, body=_error(f"expected {planned.path}, got {path}"))
        self._stop.wait(planned.delay)
        return planned


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            planned = server.respond("POST", self.path, headers, raw)
            payload = planned.raw if planned.raw is not None else json.dumps(planned.body).encode()
            try:
                self.send_response(planned.status)
                headers = {**SECRET_RESPONSE_HEADERS, **planned.headers}
                for name, value in {"content-type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self._write(payload, planned.trickle)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

        def _write(self, payload: bytes, trickle: float) -> None:
            if not trickle:
                self.wfile.write(payload)
                return
            for i in range(len(payload)):
                if server._stop.wait(trickle):
                    return
                self.wfile.write(payload[i:i + 1])
                self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "loopback_error"}}


# --- OpenAI Chat Completions shapes -----------------------------------------------------------


def openai_reply(
    text: str | None = None,
    calls: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    usage: tuple[int, int] = (11, 7),
) -> Planned:
    """A chat.completion with `text` and/or tool calls `(id, name, raw_json_arguments)`."""
    tool_calls = [
        {"id": cid, "type": "function", "function": {"name": name, "arguments": args}}
        for cid, name, args in calls
    ]
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message["tool_calls"] = tool_calls
    body = {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": 0,
        "model": MODEL,
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
        ],
        "usage": {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": sum(usage),
        },
    }
    return Planned(body=body, path="/v1/chat/completions")


def openai_error(status: int, message: str, *, headers: dict[str, str] | None = None) -> Planned:
    body = {"error": {"message": message, "type": "loopback_error", "code": None}}
    return Planned(status=status, body=body, headers=headers or {}, path="/v1/chat/completions")


# --- Anthropic Messages shapes ----------------------------------------------------------------


def anthropic_reply(
    text: str | None = None,
    uses: list[tuple[str, str, Any]] = (),  # type: ignore[assignment]
    usage: tuple[int, int] = (13, 5),
) -> Planned:
    """A message with `text` and/or tool_use blocks `(id, name, input)`."""
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text else []
    content += [{"type": "tool_use", "id": i, "name": n, "input": inp} for i, n, inp in uses]
    body = {
        "id": "msg_loopback",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": content,
        "stop_reason": "tool_use" if uses else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    }
    return Planned(body=body, path="/v1/messages")


def anthropic_error(status: int, kind: str, message: str) -> Planned:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return Planned(status=status, body=body, path="/v1/messages")
