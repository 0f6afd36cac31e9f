"""Which lines of a file can matter to a rule, found by a bytes scan before the walk.

The walk (`collect.py`) descends only into statements that span such a line; every judgement is
still made on the tree, so a word in a comment or a string only costs a slightly larger walk, never a
finding. Simple assignments outside those statements are still bound, so values keep resolving.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

# Identifiers a rule starts from (a call, a keyword or an attribute it reads). Imports and simple
# assignments are bound without being marked. `batch_size` is not one: it only matters on a call that
# already is marked (a pipeline, a DataLoader, a variable holding a pipeline).
WORDS = (b"from_pretrained", b"BitsAndBytesConfig", b"load_in_", b"pipeline", b"max_num_seqs", b"use_cache",
         b"generate", b"create_c", b"text_generation", b"Llama", b"DataLoader", b"GenerationConfig")
# Signs (GPU, training, torch.compile, `.float()`) only matter next to a model load or a KV-cache setting.
SIGN_WORDS = (b"compile", b"cuda", b"device_map", b"Train", b"SFTConfig", b"backward", b"checkpoint", b".train",
              b".float")


class HotLines:
    """Sorted line numbers (1-based) that contain a word a rule starts from."""

    __slots__ = ("lines", "words")

    def __init__(self, lines: list[int], words: frozenset[bytes]) -> None:
        self.lines = lines
        self.words = words  # the rule words present in the file

    def spans(self, first: int, last: int) -> bool:
        """Whether a marked line lies within lines `first`..`last`."""
        i = bisect_left(self.lines, first)
        return i < len(self.lines) and self.lines[i] <= last


def _lines(raw: bytes, positions: list[int]) -> list[int]:
    lines: list[int] = []
    line, pos = 1, 0
    for start in sorted(positions):
        line += raw.count(b"\n", pos, start)
        pos = start
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _find_all(raw: bytes, word: bytes, out: list[int]) -> bool:
    at = raw.find(word)
    found = at >= 0
    while at >= 0:  # bytes.find is a C substring search: far cheaper than one regex with many branches
        out.append(at)
        at = raw.find(word, at + len(word))
    return found


def hot_lines(raw: bytes, extra: Iterable[str] = ()) -> HotLines:
    """Lines with a rule word; `extra` adds names (local helpers, pipeline variables) found by the walk."""
    if b"\r" in raw:  # Python also ends a line at a lone CR: count lines as the parser does
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    words = WORDS + SIGN_WORDS if b"from_pretrained" in raw or b"use_cache" in raw else WORDS
    positions: list[int] = []
    present = frozenset(w for w in words if _find_all(raw, w, positions))
    names = sorted(set(extra))
    if names:
        pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b")
        positions += [m.start() for m in pattern.finditer(raw)]
    return HotLines(_lines(raw, positions), present)
