"""The one-method `Model` protocol and `make_model`, which parses `provider:model` ids.

Provider modules (and their SDKs) are imported only when that provider is selected.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from ecocompute.messages import Message, ModelError, Reply

if TYPE_CHECKING:
    from ecocompute.registry import ToolSpec

DEFAULT_MODEL = "offline"
DEFAULT_MAX_RETRIES = 1
DEFAULT_TIMEOUT = 30.0  # seconds for one model request, start to last byte (`--timeout`)
PROVIDERS = ("offline", "openai", "anthropic", "scripted")


@runtime_checkable
class Model(Protocol):
    """Anything that can answer a conversation with text and/or tool calls."""

    id: str

    def complete(self, system: str, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> Reply:
        """One model request: the system prompt, the conversation so far, the offered tools."""
        ...


def split_model_id(model_id: str) -> tuple[str, str]:
    """`'openai:gpt-x'` -> `('openai', 'gpt-x')`; a bare provider keeps an empty model name."""
    provider, _, name = model_id.strip().partition(":")
    provider = provider.strip().lower() or DEFAULT_MODEL
    if provider not in PROVIDERS:
        raise ModelError(
            f"Unknown model provider {provider!r} in {model_id!r}; use one of "
            f"{', '.join(PROVIDERS)} (e.g. 'openai:MODEL' or 'anthropic:MODEL').",
            kind="config",
        )
    return provider, name.strip()


def make_model(
    model_id: str = DEFAULT_MODEL,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    timeout: float | None = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
) -> Model:
    """Build the model named by `provider:model` (offline, openai:…, anthropic:…, scripted:FILE)."""
    provider, name = split_model_id(model_id)
    if provider == "offline":
        return _offline_model(name)
    if provider == "scripted":
        from ecocompute.providers.scripted import ScriptedModel

        return ScriptedModel.from_file(name)
    if not name:
        raise ModelError(
            f"Model id {model_id!r} names no model; write it as '{provider}:MODEL_NAME'.",
            kind="config",
        )
    adapter = import_module(f"ecocompute.providers.{provider}")
    return adapter.build(
        name, base_url=base_url, api_key=api_key, timeout=timeout, max_retries=max_retries
    )


def _offline_model(name: str) -> Model:
    try:
        module = import_module("ecocompute.providers.offline")
    except ModuleNotFoundError as exc:
        if exc.name != "ecocompute.providers.offline":
            raise
        module = None
    model_class = getattr(module, "OfflineModel", None)
    if model_class is None:
        raise ModelError(
            "The offline engine is not available in this installation (no "
            "ecocompute.providers.offline.OfflineModel); choose another model with -m.",
            kind="config",
        )
    return model_class()


def status_error(status: int, where: str, detail: str) -> ModelError:
    """Map an HTTP error status from any provider to a `ModelError` with one clear sentence."""
    if status in (401, 403):
        return ModelError(
            f"The model server at {where} rejected the API key (HTTP {status}); check the key.",
            kind="auth",
        )
    if status == 429:
        return ModelError(
            f"The model server at {where} is rate-limiting requests (HTTP 429); wait and retry.",
            kind="rate_limit",
        )
    if status >= 500:
        return ModelError(f"The model server at {where} failed (HTTP {status}).", kind="server")
    suffix = f": {detail}" if detail else ""
    return ModelError(
        f"The model server at {where} refused the request (HTTP {status}){suffix}.",
        kind="bad_request",
    )


def timeout_error(where: str, timeout: float | None) -> ModelError:
    limit = f" within {timeout:g} s" if timeout is not None else ""
    return ModelError(f"The model server at {where} did not answer{limit}.", kind="timeout")


def connection_error(where: str) -> ModelError:
    return ModelError(
        f"Could not connect to the model server at {where} (is it running and reachable?).",
        kind="connection",
    )
