"""Hypothesis strategies for hostile input: text, numbers, names, file contents, provider response shapes.

The families mirror issue 13's table. `COUNTS` tallies the examples each family ran (reported at the end
of a run by tests/hostile/conftest.py), so a benchmark run states how many inputs it tried.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from hypothesis import strategies as st

COUNTS: Counter[str] = Counter()

# Pieces that stress the parsers: runs of spaces and digits next to the words the patterns look for.
WORDS = ["1", "1,000", "10万", "次", "请求", "每次", "tokens", " tokens per request", "requests a month", "RTX 4090D",
         "A800", "Mistral-7B", "Qwen2-1.5B", "batch size", "=", "INT8", "nf4", "fp16", "W", "ms", "$0.12/kWh",
         "0b", "foo-0b", "7b", "-", ".", ",", "\n", "\t", "\u3000", "`", "```", "*", "1e999", "NaN", "Infinity",
         "vs", "and on the A800?", "why", "cost", "estimate", "compare", "audit", "万", "亿", "\x00", "\x1b[2J",
         "\ud800", "🔥", "Ｍｉｓｔｒａｌ", "../..", "@/etc/passwd"]
RUNS = st.builds(lambda unit, n: unit * n, st.sampled_from([" ", "1", "1,", "a1", "a-", "1 ", "万", "\n"]),
                 st.integers(0, 3000))
QUESTION = st.lists(st.one_of(st.sampled_from(WORDS), RUNS, st.text(max_size=20)), max_size=30).map("".join)

NUMBER = st.one_of(
    st.integers(-(10**30), 10**30), st.sampled_from([0, 1, -1, 2**63, -(2**63), 10**400]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 5e-324]),
)
NUMBER_TEXT = st.one_of(NUMBER.map(str), st.sampled_from(["1e999", "-0", "0x10", "1_000", "١٢٣", "NaN", "9" * 400]))
NAME = st.one_of(
    st.sampled_from(["rtx4090d", "A800", "Mistral-7B", "Qwen2-1.5B", "0b", "0m", "foo-0b", "x-" + "1" * 400 + "b",
                     "", " ", "\x00", "🔥" * 50, "RTX\n4090", "a800; rm -rf /", "'", '"', "[/]", "${HOME}"]),
    st.text(max_size=60), st.builds(lambda a, b: f"{a}-{b}b", st.text(max_size=8), NUMBER_TEXT),
)

JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False),
                        st.text(max_size=30))
JSON = st.recursive(JSON_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                    max_leaves=20)


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A documented field's value, or anything JSON can hold instead."""
    return st.one_of(value, JSON)


OPENAI_CALL = st.fixed_dictionaries({
    "id": _maybe(st.sampled_from(["call_1", "call_2"])),
    "type": _maybe(st.just("function")),
    "function": _maybe(st.fixed_dictionaries({
        "name": _maybe(st.sampled_from(["lookup_measurement", "diagnose", "nope"])),
        "arguments": _maybe(st.one_of(st.just('{"gpu": "rtx4090d"}'), st.text(max_size=40),
                                      st.just("[" * 5000), st.just('{"batch_size": ' + "7" * 5001 + "}"))),
    })),
})
OPENAI_BODY = st.fixed_dictionaries({
    "choices": _maybe(st.lists(_maybe(st.fixed_dictionaries({
        "message": _maybe(st.fixed_dictionaries({
            "content": _maybe(st.text(max_size=40)),
            "tool_calls": _maybe(st.lists(_maybe(OPENAI_CALL), max_size=3)),
        })),
        "finish_reason": _maybe(st.just("stop")),
    })), max_size=2)),
    "usage": _maybe(st.fixed_dictionaries({"prompt_tokens": _maybe(st.integers(0, 100)),
                                           "completion_tokens": _maybe(st.integers(0, 100))})),
})
ANTHROPIC_BLOCK = st.one_of(
    st.fixed_dictionaries({"type": _maybe(st.just("text")), "text": _maybe(st.text(max_size=40))}),
    st.fixed_dictionaries({"type": _maybe(st.just("tool_use")), "id": _maybe(st.just("toolu_1")),
                           "name": _maybe(st.sampled_from(["diagnose", "nope"])), "input": JSON}),
)
ANTHROPIC_BODY = st.fixed_dictionaries({
    "content": _maybe(st.lists(_maybe(ANTHROPIC_BLOCK), max_size=3)),
    "stop_reason": _maybe(st.just("end_turn")),
    "usage": _maybe(st.fixed_dictionaries({"input_tokens": _maybe(st.integers(0, 100)),
                                           "output_tokens": _maybe(st.integers(0, 100))})),
})
RAW_BODY = st.one_of(st.binary(max_size=200), st.sampled_from([
    b"", b"null", b"[]", b'"x"', b"<html>502</html>", b"[" * 100_000, b'{"a": NaN}', b'{"a": ' + b"1" * 5001 + b"}",
    b'{"a": 1e999}', b"\xff\xfe",
]))

SECRET = st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="\\"), min_size=3,
                 max_size=48).filter(lambda s: any(c.isalpha() for c in s) and not s.startswith(("/", "~")))
CARRIER = st.sampled_from([
    "{s}", "Authorization: Bearer {s}", "error: invalid key {s} given", "https://user:{s}@example.com/x",
    "https://h.example/p?token={s}&a=1", "https://h.example/p?access_token={s}", "https://b.example/o?sig={s}",
    '{{"api_key": "{s}"}}', "x-api-key: {s}",
])
