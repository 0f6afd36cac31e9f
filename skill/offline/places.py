"""Read where a question's power is used ("in Germany", "on GCP europe-west4", "在德国") with the tools' own
location vocabulary (`ecocompute.tools.locations`), and which grid-intensity basis it asks for.

`location(text)` returns a string `estimate_cost` resolves (a cloud region key, a country's curated name, a
region key), or, when the question clearly names a place the data does not know ("deployed in Atlantis"),
that place as written so the tool answers with its did-you-mean error instead of a silent default.
"""

from __future__ import annotations

import re
from functools import cache

from ecocompute.tools import locations
from ecocompute.tools.place_names import Target, normalise

MAX_WORDS = 6
# Two- and three-letter codes count only in capitals, and not these (they are common technical words).
NOT_CODES = frozenset({"AI", "ML", "IT", "GB", "TB", "MB", "BS", "CV", "OR", "NO", "TO", "AM", "PM", "ID", "IN", "IS",
                       "AS", "AT", "BY", "BE", "DO", "GO", "ME", "MY", "SO", "ON", "PE", "TV", "FM", "CPU", "GPU"})
# Names that are also everyday words in running text; the tools still resolve them as arguments.
NOT_IN_PROSE = frozenset({"global", "world", "全球", "世界", "中非"})
_CJK = re.compile(r"[\u3400-\u9fff]+")
_L = r"[A-Za-z0-9\u00C0-\u024F]"
_LATIN_WORD = re.compile(_L + r"+(?:[.'’]" + _L + r"+)*\.?")
_CUE = re.compile(r"(?:deployed|located|based|hosted|housed|data\s*cent(?:er|re)s?|servers?|region)\s+(?:in|at)\s+(?:the\s+)?"
                  r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})")
_CUE_ZH = re.compile(r"(?:部署|位于|放)在\s*([\u4e00-\u9fff]{2,8}?)(?:的|，|。|,|\s|$)")
_CLOUD = re.compile(r"(?<![\w-])(?:gcp|google\s+cloud)\s*[:/]?\s*([a-z]+(?:-[a-z]+)+\d+)(?![\w-])", re.IGNORECASE)
_BASES = (("ecologits", re.compile(r"eco\s*logits", re.IGNORECASE)), ("codecarbon", re.compile(r"code\s*carbon", re.IGNORECASE)))


def location(text: str) -> str | None:
    """The location the question names (a cloud region first, else the first place named), or None."""
    hits = _latin_hits(text) + _cjk_hits(text)
    clouds = [h for h in hits if h[1].kind == "cloud_region"]
    named_cloud = _CLOUD.search(text)
    if clouds or (hits and not named_cloud):
        return _spelling(min(clouds or hits, key=lambda h: h[0])[1])
    if named_cloud:  # a provider's region the data does not have: the tool says so, with close names
        return f"gcp:{named_cloud.group(1)}"
    cue = _CUE.search(text) or _CUE_ZH.search(text)
    return cue.group(1).strip() if cue and not re.search(r"\d", cue.group(1)) else None


def grid_basis(text: str) -> str | None:
    """'ecologits' or 'codecarbon' when the question names one intensity source (the first named)."""
    found = [(m.start(), name) for name, pattern in _BASES for m in [pattern.search(text)] if m]
    return min(found)[1] if found else None


def _spelling(target: Target) -> str:
    return locations.countries()[target.key].country if target.kind == "country" else target.key


@cache
def _index() -> dict[str, Target]:
    return {name: t for name, t in locations.names().targets.items() if name not in NOT_IN_PROSE}


@cache
def _longest() -> dict[str, int]:
    """First word of a Latin name -> the most words a name starting with it has (words no name starts with: absent)."""
    out: dict[str, int] = {}
    for name in _index():
        words = name.split()
        out[words[0]] = max(out.get(words[0], 0), len(words))
    return out


def _latin_hits(text: str) -> list[tuple[int, Target]]:
    words = [(m.start(), m.group(0)) for m in _LATIN_WORD.finditer(text)]
    keys = [normalise(w) for _, w in words]
    hits, i = [], 0
    while i < len(words):
        for n in range(min(_longest().get(keys[i], 0), MAX_WORDS, len(words) - i), 0, -1):
            target = _index().get(" ".join(keys[i:i + n]))
            if target and _plausible(words[i:i + n]):
                hits.append((words[i][0], target))
                i += n
                break
        else:
            i += 1
    return hits


def _plausible(words: list[tuple[int, str]]) -> bool:
    """Short single words count only when written as a name: codes in capitals, four letters capitalised."""
    if len(words) > 1:
        return True
    word = words[0][1].replace(".", "")
    if len(word) <= 3:
        return word.isupper() and word not in NOT_CODES
    return len(word) > 4 or word[0].isupper()


def _cjk_hits(text: str) -> list[tuple[int, Target]]:
    hits = []
    for run in _CJK.finditer(text):
        chunk, start = run.group(0), 0
        while start < len(chunk):
            for size in range(min(8, len(chunk) - start), 1, -1):
                target = _index().get(chunk[start:start + size])
                if target:
                    hits.append((run.start() + start, target))
                    start += size
                    break
            else:
                start += 1
    return hits
