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
