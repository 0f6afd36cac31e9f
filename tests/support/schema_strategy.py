"""A hypothesis strategy for the JSON-schema subset our exporters emit (hypothesis-jsonschema 0.23 does
not run on current hypothesis). It refuses any keyword it does not know, so a constraint the schema
states can never be silently ignored by the generator."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from hypothesis import strategies as st

_ANNOTATIONS = {"description", "title", "default", "examples"}
_KNOWN = _ANNOTATIONS | {"type", "enum", "anyOf", "properties", "required", "additionalProperties", "items",
                         "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems"}


Words = Mapping[str, Sequence[str]]


def from_schema(schema: dict[str, Any], words: Words | None = None, name: str = "") -> st.SearchStrategy[Any]:
    """Values valid under `schema`; a string property mixes arbitrary text with `words[name]` (names the
    data knows), so that a share of the calls is answered rather than refused."""
    words = words or {}
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError(f"schema keywords the generator does not handle: {sorted(unknown)}")
    if "anyOf" in schema:
        return st.one_of([from_schema(branch, words, name) for branch in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": k}, words, name) for k in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "string":
        text = st.text(max_size=30)
        known = list(words.get(name, ()))
        return st.one_of(st.sampled_from(known), st.sampled_from(known), text) if known else text
    if kind in ("integer", "number"):
        return _number(schema, kind == "integer")
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), words, name), min_size=schema.get("minItems", 0),
                        max_size=min(schema.get("maxItems", 5), 5))
    if kind == "object":
        return _object(schema, words)
    raise ValueError(f"schema without a type the generator handles: {schema}")


def _number(schema: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low, high = schema.get("minimum"), schema.get("maximum")
    ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if integer:
        lo = low if low is not None else (math.floor(ex_low) + 1 if ex_low is not None else None)
        hi = high if high is not None else (math.ceil(ex_high) - 1 if ex_high is not None else None)
        return st.integers(min_value=lo, max_value=hi)
    return st.floats(min_value=low if low is not None else ex_low, max_value=high if high is not None else ex_high,
                     exclude_min=low is None and ex_low is not None, exclude_max=high is None and ex_high is not None,
                     allow_nan=False, allow_infinity=False)


def _object(schema: dict[str, Any], words: Words) -> st.SearchStrategy[dict[str, Any]]:
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    needed = {k: from_schema(v, words, k) for k, v in props.items() if k in required}
    optional = {k: from_schema(v, words, k) for k, v in props.items() if k not in required}
    return st.fixed_dictionaries(needed, optional=optional)
