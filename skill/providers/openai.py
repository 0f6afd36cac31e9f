"""OpenAI Chat Completions adapter (also Ollama, vLLM, llama.cpp, LM Studio via `base_url`).

The only module that imports `openai`; it knows the wire format `{"role": "tool", ...}`.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import openai

from ecocompute.messages import Message, ModelError, Reply, ToolCall, Usage
from ecocompute.providers import wire
from ecocompute.providers.base import connection_error, status_error, timeout_error
from ecocompute.schemas import openai_request_tool

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
        sent = [{"role": "system", "content": system}] if system else []
        sent += [item for m in messages for item in to_wire(m)]
        extra: dict[str, Any] = {"tools": [openai_request_tool(t) for t in tools]} if tools else {}
        where = str(self._client.base_url).rstrip("/")
        try:
            raw = self._client.chat.completions.with_raw_response.create(model=self.name, messages=sent, **extra)
        except openai.APIError as exc:
            raise to_model_error(exc, where, self._timeout) from None
        return from_wire(wire.body_object(raw.http_response.content, where), where)


def build(
    name: str, *, base_url: str | None, api_key: str | None, timeout: float | None, max_retries: int
) -> OpenAIChatModel:
    """Construct the client; a missing key is a `ModelError` unless a local `base_url` is given."""
    timeout = wire.DEFAULT_TIMEOUT if timeout is None else timeout
    options: dict[str, Any] = {"base_url": base_url, "max_retries": max_retries, "timeout": timeout,
                               "http_client": openai.DefaultHttpxClient(**wire.client_options(timeout))}
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


def from_wire(data: dict[str, Any], where: str) -> Reply:
    """The first choice of a chat.completion body (untrusted JSON) as a neutral `Reply`."""
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise wire.unusable(where, "no choices")
    choice = choices[0]
    message = choice.get("message")
    if not isinstance(message, dict):
        raise wire.unusable(where, "a choice without a message")
    raw_calls = message.get("tool_calls") or []
    if not isinstance(raw_calls, list):
        raise wire.unusable(where, "tool_calls is not a list")
    calls = [_call(c, where) for c in raw_calls if not (isinstance(c, dict) and c.get("type", "function") != "function")]
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return Reply(
        text=_text(message.get("content"), where),
        tool_calls=calls,
        usage=Usage(input_tokens=wire.count(usage.get("prompt_tokens")),
                    output_tokens=wire.count(usage.get("completion_tokens"))),
        stop_reason=wire.label(choice.get("finish_reason")),
    )


def _text(content: Any, where: str) -> str:
    """Message content: a string, null, or a list of text parts (some compatible servers send parts)."""
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list) and all(isinstance(p, dict) and isinstance(p.get("text", ""), str) for p in content):
        return "".join(p.get("text", "") for p in content if p.get("type", "text") == "text")
    raise wire.unusable(where, f"message content is a JSON {type(content).__name__}, not text")


def _call(raw: Any, where: str) -> ToolCall:
    function = raw.get("function") if isinstance(raw, dict) else None
    if not isinstance(function, dict):
        raise wire.unusable(where, "a tool call without a function")
    call_id, name = wire.name(raw.get("id"), "id", where), wire.name(function.get("name"), "name", where)
    arguments = function.get("arguments")
    if isinstance(arguments, dict):
        return ToolCall(id=call_id, name=name, arguments=arguments)
    if arguments is not None and not isinstance(arguments, str):
        return ToolCall(id=call_id, name=name, argument_error="not a JSON object")
    return ToolCall.from_raw(call_id, name, arguments)


def to_model_error(exc: openai.APIError, where: str, timeout: float | None) -> ModelError:
    """One clear sentence per failure a user can act on."""
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
