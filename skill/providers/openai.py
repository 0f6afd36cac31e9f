"""OpenAI Chat Completions adapter (also Ollama, vLLM, llama.cpp, LM Studio via `base_url`).

The only module that imports `openai`; it knows the wire format `{"role": "tool", ...}`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import openai

from ecocompute.messages import Message, ModelError, Reply, ToolCall, Usage
from ecocompute.providers.base import connection_error, status_error, timeout_error
from ecocompute.schemas import to_openai_chat

if TYPE_CHECKING:
    from ecocompute.registry import ToolSpec

# Local OpenAI-compatible servers accept any key; the SDK refuses to start without one.
LOCAL_PLACEHOLDER_KEY = "not-needed"


class OpenAIChatModel:
    """A `Model` over `client.chat.completions.create`."""

    def __init__(self, name: str, client: openai.OpenAI, *, timeout: float | None) -> None:
        self.id = f"openai:{name}"
        self.name = name
        self._client = client
        self._timeout = timeout
        # Close the connection pool when the model goes away, so no socket is left to the GC.
        self.close = weakref.finalize(self, client.close)

    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        wire = [{"role": "system", "content": system}] if system else []
        wire += [item for m in messages for item in to_wire(m)]
        extra: dict[str, Any] = {"tools": [to_openai_chat(t) for t in tools]} if tools else {}
        try:
            response = self._client.chat.completions.create(model=self.name, messages=wire, **extra)
        except openai.APIError as exc:
            raise to_model_error(exc, str(self._client.base_url), self._timeout) from None
        return from_wire(response)


def build(
    name: str, *, base_url: str | None, api_key: str | None, timeout: float | None, max_retries: int
) -> OpenAIChatModel:
    """Construct the client; a missing key is a `ModelError` unless a local `base_url` is given."""
    options: dict[str, Any] = {"base_url": base_url, "max_retries": max_retries}
    if timeout is not None:
        options["timeout"] = timeout
    try:
        client = openai.OpenAI(api_key=api_key, **options)
    except openai.OpenAIError:
        if base_url is None:
            raise ModelError(
                "No OpenAI API key: set OPENAI_API_KEY (or pass --base-url for a local server).",
                kind="missing_key",
            ) from None
        client = openai.OpenAI(api_key=LOCAL_PLACEHOLDER_KEY, **options)
    return OpenAIChatModel(name, client, timeout=timeout)


def to_wire(message: Message) -> list[dict[str, Any]]:
    """One neutral message as Chat Completions messages (a tool message becomes one per result)."""
    if message.role == "tool":
        return [
            {"role": "tool", "tool_call_id": r.call_id, "content": r.content}
            for r in message.tool_results
        ]
    if message.role != "assistant" or not message.tool_calls:
        return [{"role": message.role, "content": message.text}]
    calls = [
        {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments_json()}}
        for c in message.tool_calls
    ]
    return [{"role": "assistant", "content": message.text or None, "tool_calls": calls}]


def from_wire(response: Any) -> Reply:
    """The first choice of a ChatCompletion as a neutral `Reply`."""
    if not response.choices:
        raise ModelError("The OpenAI-compatible server returned no choices.", kind="server")
    choice = response.choices[0]
    calls = [
        ToolCall.from_raw(c.id, c.function.name, c.function.arguments)
        for c in choice.message.tool_calls or []
        if c.type == "function"
    ]
    usage = response.usage
    return Reply(
        text=choice.message.content or "",
        tool_calls=calls,
        usage=Usage(input_tokens=usage.prompt_tokens, output_tokens=usage.completion_tokens)
        if usage
        else Usage(),
        stop_reason=choice.finish_reason,
    )


def to_model_error(exc: openai.APIError, where: str, timeout: float | None) -> ModelError:
    """One clear sentence per failure a user can act on."""
    where = where.rstrip("/")
    if isinstance(exc, openai.APITimeoutError):
        return timeout_error(where, timeout)
    if isinstance(exc, openai.APIConnectionError):
        return connection_error(where)
    if not isinstance(exc, openai.APIStatusError):
        return ModelError(f"The model server at {where} sent an unusable response.", kind="server")
    return status_error(exc.status_code, where, _detail(exc))


def _detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if isinstance(message, str):
            return " ".join(message.split())[:200].rstrip(".")
    return ""
