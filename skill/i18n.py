"""Translations of the answers' fixed text (headings, sentences, assumptions): gettext catalogs kept as Babel
`.po` files under `prompts/locale/<lang>/LC_MESSAGES/ecocompute.po`, used through jinja2's i18n extension in
the templates (`{{ _("...") }}`) and through `tr()` in Python. The answer language is a context variable set
per answer (`using("zh")`); English is the source language (null translations). Tool values are never
translated. Babel is imported only when a catalog is loaded.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib import resources
from typing import Any

DOMAIN = "ecocompute"
LANGUAGES = ("en", "zh")
_CURRENT: ContextVar[str] = ContextVar("ecocompute_language", default="en")


def current() -> str:
    """The answer language of the current context (`en` unless inside `using(...)`)."""
    return _CURRENT.get()


@contextmanager
def using(language: str) -> Iterator[None]:
    """Render answers in `language` inside the block (unknown languages fall back to English)."""
    token = _CURRENT.set(language if language in LANGUAGES else "en")
    try:
        yield
    finally:
        _CURRENT.reset(token)


def catalog_path(language: str) -> Any:
    """The `.po` catalog of `language` inside the installed package."""
    return resources.files("ecocompute.prompts") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language` (read from its .po with Babel), or null translations for English."""
    if language == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.StringIO(catalog_path(language).read_text(encoding="utf-8")), locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def tr(message: str, **values: Any) -> str:
    """`message` in the current answer language, with `{name}` placeholders filled in."""
    text = translations(current()).gettext(message)
    return text.format(**values) if values else text


def N_(message: str) -> str:  # the gettext convention for a message marked here, translated later
    """Mark a message for the catalog where it is defined; it is translated where it is used (`tr(value)`)."""
    return message
