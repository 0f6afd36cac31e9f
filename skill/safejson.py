"""JSON from untrusted text (model tool arguments, provider bodies, `--args`): strict, bounded, one error.

`json.loads` accepts `NaN` and `Infinity`, recurses once per nesting level and refuses integers over
4,300 digits with a long `ValueError`; each of those escaped as a traceback somewhere. Here every
failure is a `JSONInputError` whose message is one short clause ("not usable JSON (nested more than 200 levels deep)").
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 200
MAX_NUMBER_CHARS = 400
MAX_CHARS = 20_000_000


class JSONInputError(ValueError):
    """Untrusted text that is not usable JSON; `reason` is a clause such as 'not valid JSON (...)'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def loads(text: str | bytes, *, max_chars: int = MAX_CHARS) -> Any:
    """Parse standard JSON only: no NaN/Infinity, bounded nesting, size and number length."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONInputError("not UTF-8 text") from None
    if len(text) > max_chars:
        raise JSONInputError(f"not usable JSON (longer than {max_chars} characters)")
    if _depth(text) > MAX_DEPTH:
        raise JSONInputError(f"not usable JSON (nested more than {MAX_DEPTH} levels deep)")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_int=_int, parse_float=_float)
    except JSONInputError:
        raise
    except json.JSONDecodeError as exc:
        raise JSONInputError(f"not valid JSON ({exc.msg} at character {exc.pos})") from None
    except (ValueError, RecursionError) as exc:
        raise JSONInputError(f"not valid JSON ({type(exc).__name__})") from None


def _depth(text: str) -> int:
    """The deepest bracket nesting outside strings, in one linear pass (before any recursion)."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_constant(name: str) -> Any:
    raise JSONInputError(f"not standard JSON ({name} is not a JSON number)")


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise JSONInputError(f"not usable JSON (a number with more than {MAX_NUMBER_CHARS} digits)")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise JSONInputError(f"not usable JSON (a number with more than {MAX_NUMBER_CHARS} digits)")
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise JSONInputError(f"not usable JSON (a number too large for a float: {text[:20]})")
    return value
