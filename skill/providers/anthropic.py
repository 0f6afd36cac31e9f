"""Anthropic Messages API adapter.

The only module that imports `anthropic`; it knows `tool_use` / `tool_result` / `is_error`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import anthropic

from ecocompute.messages import Message, ModelError, Reply, ToolCall, Usage
from ecocompute.providers import wire
from ecocompute.providers.base import connection_error, status_error, timeout_error
from ecocompute.schemas import anthropic_request_tool

if TYPE_CHECKING:
    from ecocompute.registry import ToolSpec

DEFAULT_MAX_TOKENS = 4096


class AnthropicModel:
    """A `Model` over `client.messages.create`."""

    def __init__(
        self,
        name: str,
        client: anthropic.Anthropic,
        *,
        timeout: float | None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
    ) -> None:
        self.id = f"anthropic:{name}"
        self.name = name
        self.max_tokens = max_tokens
        self._client = client
        self._timeout = timeout
        # Close the connection pool when the model goes away, so no socket is left to the GC.
        self.close = weakref.finalize(self, client.close)

    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        extra: dict[str, Any] = {"tools": [anthropic_request_tool(t) for t in tools]} if tools else {}
        system_text = "\n\n".join([system, *(m.text for m in messages if m.role == "system")]).strip()
        if system_text:
            extra["system"] = system_text
        where = str(self._client.base_url).rstrip("/")
        try:
            raw = self._client.messages.with_raw_response.create(
                model=self.name, max_tokens=self.max_tokens, messages=to_wire(messages), **extra
            )
        except anthropic.APIError as exc:
            raise to_model_error(exc, where, self._timeout) from None
        return from_wire(wire.body_object(raw.http_response.content, where), where)


def build(
    name: str, *, base_url: str | None, api_key: str | None, timeout: float | None, max_retries: int
) -> AnthropicModel:
    """Construct the client; no credentials at all is a `ModelError` before any request."""
    timeout = wire.DEFAULT_TIMEOUT if timeout is None else timeout
    options: dict[str, Any] = {"base_url": base_url, "max_retries": max_retries, "timeout": timeout,
                               "http_client": anthropic.DefaultHttpxClient(**wire.client_options(timeout))}
    client = anthropic.Anthropic(api_key=api_key, **options)
    if client.api_key is None and client.auth_token is None and client.credentials is None:
        raise ModelError("No Anthropic API key: set ANTHROPIC_API_KEY.", kind="missing_key")
    return AnthropicModel(name, client, timeout=timeout)


def to_wire(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Neutral messages as Messages API turns; consecutive same-role turns are merged."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role == "system":
            continue
        role = "assistant" if message.role == "assistant" else "user"
        blocks = _blocks(message)
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return turns


def _blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "text", "text": message.text}] if message.text else []
    blocks += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}
        for c in message.tool_calls
    ]
    blocks += [
        {"type": "tool_result", "tool_use_id": r.call_id, "content": r.content, "is_error": r.is_error}
        for r in message.tool_results
    ]
    return blocks


def from_wire(data: dict[str, Any], where: str) -> Reply:
    """A Messages API body (untrusted JSON) as a neutral `Reply`."""
    content = data.get("content")
    if not isinstance(content, list) or not all(isinstance(b, dict) for b in content):
        raise wire.unusable(where, "no list of content blocks")
    texts = [_text(b, where) for b in content if b.get("type") == "text"]
    calls = [_call(b, where) for b in content if b.get("type") == "tool_use"]
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return Reply(
        text="".join(texts), tool_calls=calls, stop_reason=wire.label(data.get("stop_reason")),
        usage=Usage(input_tokens=wire.count(usage.get("input_tokens")), output_tokens=wire.count(usage.get("output_tokens"))),
    )


def _text(block: dict[str, Any], where: str) -> str:
    text = block.get("text")
    if not isinstance(text, str):
        raise wire.unusable(where, "a text block without text")
    return text


def _call(block: dict[str, Any], where: str) -> ToolCall:
    call_id, name = wire.name(block.get("id"), "id", where), wire.name(block.get("name"), "name", where)
    if isinstance(block.get("input"), dict):
        return ToolCall(id=call_id, name=name, arguments=block["input"])
    return ToolCall(id=call_id, name=name, argument_error="not a JSON object")


def to_model_error(exc: anthropic.APIError, where: str, timeout: float | None) -> ModelError:
    """One clear sentence per failure a user can act on."""
    if isinstance(exc, anthropic.APITimeoutError):
        return timeout_error(where, timeout)
    if isinstance(exc, anthropic.APIConnectionError):
        return connection_error(where)
    if not isinstance(exc, anthropic.APIStatusError):
        return ModelError(f"The model server at {where} sent an unusable response.", kind="server")
    return status_error(exc.status_code, where, _detail(exc.body))


def _detail(body: object) -> str:
    inner = body.get("error", body) if isinstance(body, dict) else None
    message = inner.get("message") if isinstance(inner, dict) else None
    return " ".join(message.split())[:200].rstrip(".") if isinstance(message, str) else ""
