"""Model names in a question: dataset models by name or Hugging Face id (spacing and case forgiven), family
words that name one model, other sized names ("Llama-3-70B"), and names the data lack, kept as asked.
"""

from __future__ import annotations

import re
from functools import cache

from ecocompute.offline import lexicon as lx
from ecocompute.offline.extract import NOT_ALNUM_BEFORE, dedupe
from ecocompute.offline.vocab import VARIANT_WORDS
from ecocompute.tools.dataset import load
from ecocompute.tools.names import model_index, model_key, params_from_name


@cache
def _model_names() -> dict[str, str]:
    """The name index (`tools.names.model_index`: names, Hugging Face ids, aliases), longest key first."""
    return dict(sorted(model_index().items(), key=lambda kv: -len(kv[0])))


def _norm(text: str, keep: str = "") -> str:
    return re.sub(r"[^a-z0-9." + re.escape(keep) + r"]", "", text.lower())


def models(text: str) -> list[str]:
    """Dataset models by name (spacing and case forgiven), then other sized names ("Llama-3-70B")."""
    flat = _norm(re.sub(r"[,;:()，。、；：（）\u4e00-\u9fff]", "|", text), keep="|")  # punctuation ends a name
    hits: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for key, name in _model_names().items():
        for match in re.finditer(re.escape(key), flat):
            span = (match.start(), match.end())
            nxt = flat[span[1]:span[1] + 1]
            if nxt.isdigit() or any(a <= span[0] < b for a, b in taken):
                continue
            taken.append(span)
            hits.append((len(flat[:span[0]].replace("|", "")), name))
    hits += _family_hits(text)
    known = dedupe([name for _, name in sorted(hits)])
    sized = [n for n in _sized_names(text) if model_key(n) not in known and n not in known]
    return known + sized + ([] if known or sized else _unknown_family_names(text))


def _unknown_family_names(text: str) -> list[str]:
    """A measured family's name with a version the data lack ("DeepSeek-R1"): an unmeasured model, kept as asked."""
    keys = _model_names()
    out = []
    for family in {re.split(r"[-_ ]", name)[0] for name in keys.values()}:
        if len(family) < 4:
            continue
        for match in re.finditer(NOT_ALNUM_BEFORE + re.escape(family) + r"[-_ ]?[A-Za-z]*\d[\w.]*", text, re.IGNORECASE):
            token = match.group(0)
            if model_key(token) is None and not any(k.startswith(_norm(token)) for k in keys):
                out.append(token)
    return dedupe(out)


@cache
def _families() -> dict[str, str]:
    """Family words that name exactly one dataset model ("TinyLlama" -> TinyLlama-1.1B)."""
    found: dict[str, set[str]] = {}
    for m in load().measurements:
        family = re.sub(r"[-_]?\d+(?:\.\d+)?[Bb]$", "", m.model)
        if family.isalpha():
            found.setdefault(family.lower(), set()).add(m.model)
    return {f: next(iter(ms)) for f, ms in found.items() if len(ms) == 1}


def _family_hits(text: str) -> list[tuple[int, str]]:
    hits = []
    for family, name in _families().items():
        pattern = NOT_ALNUM_BEFORE + re.escape(family) + r"(?![-_.]?[A-Za-z0-9])(?!\s+(?:large|small|medium|nemo|\d))"
        hits += [(len(_norm(text[:m.start()])), name) for m in re.finditer(pattern, text, re.IGNORECASE)]
    return hits


def _sized_names(text: str) -> list[str]:
    out = []
    for match in lx.SIZED_MODEL.finditer(text):
        name = match.group(0).strip(" -_")
        if name.split("-")[0].split()[0].lower() in lx.NOT_A_MODEL:
            continue
        out.append(model_key(name) or name)
    return dedupe(out)


def unknown_models(text: str, known: list[str]) -> list[str]:
    """A data family word followed by a variant the data lacks ("Mistral Large"): passed on, never substituted."""
    return dedupe([m.group(0) for m in _variant_pattern().finditer(text) if model_key(m.group(0)) is None])


@cache
def _variant_pattern() -> re.Pattern[str]:
    families = sorted({re.sub(r"[-_]?\d+(?:\.\d+)?[Bb]$", "", m.split("-")[0]) for m in _model_names().values()}, key=len, reverse=True)
    return re.compile(NOT_ALNUM_BEFORE + "(?:" + "|".join(map(re.escape, families)) + r")[\s-]+(?:" + VARIANT_WORDS + r")(?![A-Za-z0-9_])",
                      re.IGNORECASE)


def bare_size(text: str) -> float | None:
    """A model size given without a name ("a 7B model"), in billions of parameters."""
    match = lx.BARE_SIZE.search(text)
    return params_from_name(match.group(1)) if match else None
