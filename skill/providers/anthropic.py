"""Anthropic Messages API adapter.

The only module that imports `anthropic`; it knows `tool_use` / `tool_result` / `is_error`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import anthropic

from ecocompute.messages import Message, ModelError, Reply, ToolCall, Usage
from ecocompute.providers.base import connection_error, status_error, timeout_error
from ecocompute.schemas import to_anthropic

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
        extra: dict[str, Any] = {"tools": [to_anthropic(t) for t in tools]} if tools else {}
        system_text = "\n\n".join([system, *(m.text for m in messages if m.role == "system")]).strip()
        if system_text:
            extra["system"] = system_text
        try:
            response = self._client.messages.create(
                model=self.name, max_tokens=self.max_tokens, messages=to_wire(messages), **extra
            )
        except anthropic.APIError as exc:
            raise to_model_error(exc, str(self._client.base_url), self._timeout) from None
        return from_wire(response)


def build(
    name: str, *, base_url: str | None, api_key: str | None, timeout: float | None, max_retries: int
) -> AnthropicModel:
    """Construct the client; no credentials at all is a `ModelError` before any request."""
    options: dict[str, Any] = {"base_url": base_url, "max_retries": max_retries}
    if timeout is not None:
        options["timeout"] = timeout
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


def from_wire(response: Any) -> Reply:
    """A Messages API response as a neutral `Reply`."""
    texts = [b.text for b in response.content if b.type == "text"]
    calls = [_call(b) for b in response.content if b.type == "tool_use"]
    usage = Usage(input_tokens=response.usage.input_tokens, output_tokens=response.usage.output_tokens)
    return Reply(text="".join(texts), tool_calls=calls, usage=usage, stop_reason=response.stop_reason)


def _call(block: Any) -> ToolCall:
    if isinstance(block.input, dict):
        return ToolCall(id=block.id, name=block.name, arguments=block.input)
    return ToolCall(id=block.id, name=block.name, argument_error="not a JSON object")


def to_model_error(exc: anthropic.APIError, where: str, timeout: float | None) -> ModelError:
    """One clear sentence per failure a user can act on."""
    where = where.rstrip("/")
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
