"""Numbers as people write them, turned into digits before the reader looks for quantities.

"3M" / "40 million" / "1.5亿" / "5000万" -> digits (multipliers from `vocab.MULTIPLIER`); English number
words ("two million", "twenty thousand") via text2num's `alpha2digit`; Chinese numerals ("十万", "两百万")
via cn2an. Both parsers are imported only when the text needs them.
"""

from __future__ import annotations

import re
from functools import cache

from ecocompute.offline import vocab as vc

MULTIPLIER_VALUE = {"thousand": 1e3, "k": 1e3, "千": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "百万": 1e6,
                    "万": 1e4, "千万": 1e7, "亿": 1e8, "billion": 1e9, "bn": 1e9}
_WITH_MULT = re.compile(r"(?<![A-Za-z0-9_.\-/])(?<!\d,)(" + vc.DIGITS + r")\s*(" + vc.MULTIPLIER + r")(?![A-Za-z0-9_])", re.IGNORECASE)
_ZH_RUN = re.compile(vc.ZH_NUMERAL)
_ZH_SCALE = set("十百千万亿")
_NOT_NUMERAL_AFTER = ("瓦", "克")  # 千瓦时 (kWh), 千克 (kg) are units, not numbers
_EN_WORDS = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|sixteen|twenty|thirty|"
                       r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion)\b", re.IGNORECASE)


def value(text: str) -> float:
    """The value of one written number ("1,500", "3M", "2.5 million", "5000万", "十万")."""
    text = text.strip().replace(",", "").replace("−", "-")
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(" + vc.MULTIPLIER + r")?", text, re.IGNORECASE)
    if match:
        mult = (match.group(2) or "").lower()
        return float(match.group(1)) * MULTIPLIER_VALUE.get(mult, 1.0)
    return float(_cn2an()(text, "smart"))


def normalise(text: str) -> str:
    """`text` with every written number in plain digits (a multiplier or words become digits)."""
    text = text.replace("−", "-")
    text = re.sub(r"\bhalf\s+an?\s+(thousand|million|billion)\b", r"0.5 \1", text, flags=re.IGNORECASE)
    text = _WITH_MULT.sub(_expand, text)
    if _EN_WORDS.search(text):
        from text_to_num import alpha2digit

        text = alpha2digit(text, "en")
        text = _WITH_MULT.sub(_expand, text)
    if any(ch in _ZH_SCALE for ch in text):
        text = _ZH_RUN.sub(_zh, text)
    return text


def _expand(match: re.Match[str]) -> str:
    mult = match.group(2)
    if mult in ("M", "m") and _looks_like_size(match.string, match.end()):
        return match.group(0)
    return _plain(value(match.group(1) + mult))


def _looks_like_size(text: str, end: int) -> bool:
    """"125M parameters" is a model size, not a volume."""
    return bool(re.match(r"\s*(?:param|parameter|model)", text[end:], re.IGNORECASE))


def _zh(match: re.Match[str]) -> str:
    run = match.group(0)
    after = match.string[match.end():match.end() + 1]
    if len(run) < 2 or not (set(run) & _ZH_SCALE) or after in _NOT_NUMERAL_AFTER:
        return run
    try:
        return _plain(float(_cn2an()(run, "smart")))
    except (ValueError, KeyError):
        return run


def _plain(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:g}"


@cache
def _cn2an():  # type: ignore[no-untyped-def]
    import cn2an

    return cn2an.cn2an
