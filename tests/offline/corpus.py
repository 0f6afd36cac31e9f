"""A grammar of practitioner questions (shapes x entities x quantities x units x phrasings, EN and ZH),
each generated with the typed request a correct reader produces: intent, asked unit and period, and every
stated quantity. Deterministic (seeded); `questions()` yields (text, expected) pairs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

MODELS = ("Mistral-7B", "Qwen2.5-7B", "Yi-1.5-6B", "TinyLlama-1.1B", "Llama-3.1-8B", "Qwen3-8B", "Phi-3-mini", "Qwen2.5-14B")
GPUS = ("A800", "RTX 4090D", "H100", "T4", "RTX 5090", "B200", "A100", "4090D")
PRECISIONS = (("FP16", "fp16"), ("NF4", "nf4"), ("4-bit", "nf4"), ("INT8", "int8_default"), ("load_in_8bit", "int8_default"))
OTHER_PRECISION = {"fp16": ("NF4", "nf4"), "nf4": ("FP16", "fp16"), "int8_default": ("FP16", "fp16")}

# (written, value): the same amount in the ways people write it.
AMOUNTS_EN = (("3 million", 3e6), ("3M", 3e6), ("1.5 million", 1.5e6), ("250k", 2.5e5), ("40,000", 4e4), ("800k", 8e5),
              ("2 billion", 2e9), ("12000", 1.2e4), ("two million", 2e6), ("half a million", 5e5), ("1.2M", 1.2e6), ("600 thousand", 6e5))
AMOUNTS_ZH = (("10万", 1e5), ("200万", 2e6), ("1.5亿", 1.5e8), ("5000万", 5e7), ("十万", 1e5), ("两百万", 2e6), ("30万", 3e5), ("8000", 8e3))
PERIODS_EN = (("a day", "day"), ("per day", "day"), ("daily", "day"), ("/day", "day"), ("a month", "month"), ("per month", "month"),
              ("/month", "month"), ("monthly", "month"), ("a year", "year"), ("per year", "year"), ("annually", "year"))
PERIODS_ZH = (("每天", "day"), ("每日", "day"), ("每月", "month"), ("每个月", "month"), ("每年", "year"))
NOUNS_EN = (("requests", "requests"), ("queries", "requests"), ("API calls", "requests"), ("chat requests", "requests"),
            ("prompts", "requests"), ("tokens", "tokens"), ("output tokens", "tokens"))
NOUNS_ZH = (("次请求", "requests"), ("次调用", "requests"), ("个 token", "tokens"))
ASK_EN = (("What's the monthly kWh?", "kWh", "month"), ("How many kWh per year is that?", "kWh", "year"),
          ("What does that cost per month?", "USD", "month"), ("What's the annual electricity cost?", "USD", "year"),
          ("Monthly CO2?", "kg CO2", "month"), ("How much carbon per year?", "kg CO2", "year"),
          ("How many grams of CO2 per request?", "g CO2/request", None), ("Daily kWh?", "kWh", "day"))
ASK_ZH = (("每月耗电多少度？", "kWh", "month"), ("一年电费多少？", "USD", "year"), ("每月电费是多少？", "USD", "month"),
          ("每月碳排放多少？", "kg CO2", "month"), ("一年要多少度电？", "kWh", "year"))
REPLY_EN = ("replies are about {n} tokens", "{n} tokens per reply", "{n}-token answers", "each answer is {n} tokens long",
            "{n} output tokens each")
REPLY_ZH = ("每次回复 {n} 个 token", "每次生成 {n} 个 token", "每条输出 {n} token")
LOOKUP_EN = (("What's the energy per 1k tokens for {m} on {g}{p}{b}?", "J/1k tok"),
             ("Joules per 1k tokens: {m}, {g}{p}{b}?", "J/1k tok"),
             ("How many joules per thousand tokens does {m} take on {g}{p}{b}?", "J/1k tok"),
             ("What throughput does {m} get on {g}{p}{b}?", "tok/s"),
             ("How many tokens per second for {m} on {g}{p}{b}?", "tok/s"),
             ("How many watts does {g} draw running {m}{p}{b}?", "W"),
             ("Power draw of {m} on {g}{p}{b}, in watts?", "W"))
LOOKUP_ZH = (("{m} 在 {g} 上{p}{b}每千 token 耗多少焦耳？", "J/1k tok"), ("{m} 在 {g} 上{p}{b}的吞吐量是多少 tokens/s？", "tok/s"),
             ("{m} 在 {g} 上{p}{b}功耗多少瓦？", "W"))
BATCH_EN = (" at batch {n}", " with batch size {n}", ", batch {n}", " at bs={n}")
BATCH_ZH = ("批大小 {n} 时", "batch {n} 时")
VERDICT_EN = ("Will {p} save energy for {m} on {g}?", "Does {p} use less energy than {q} for {m} on {g}?",
              "Is {p} worth it for energy on {m} ({g})?", "Would switching {m} to {p} on the {g} lower energy per token?",
              "Can {p} cut the energy of {m} on {g}?")
VERDICT_ZH = ("{m} 在 {g} 上用 {p} 能省电吗？", "{g} 上跑 {m}，{p} 会比 {q} 更省电吗？", "{m} 用 {p} 是否更节能（{g}）？")
DIAGNOSE_EN = ("{m} on our {g} with {p} is slow and burns energy. Why?", "Our power bill is high running {m} with {p} on {g}. What's wrong?",
               "{m} in {p} on the {g} uses more energy per token than expected - what gives?",
               "Why does {m} with {p} on {g} use so much energy?", "{m} ({p}) on {g}: throughput is low. Any idea why?")
DIAGNOSE_ZH = ("{m} 在 {g} 上用 {p} 很慢，为什么？", "{g} 上跑 {m}（{p}），电费很高，怎么回事？", "为什么 {m} 在 {g} 上用 {p} 这么耗电？")
OPTIMIZE_EN = ("What batch size should I use for {m} on {g}?", "Which precision is best for {m} on {g}?",
               "Recommend a configuration for serving {m} on {g}.", "What's the best setup for {m} on a {g} to save energy?",
               "Should I use {p} or {q} for {m} on {g}?")
OPTIMIZE_ZH = ("{m} 在 {g} 上批大小设多少最省电？", "在 {g} 上部署 {m}，推荐什么配置？", "{g} 上跑 {m} 应该用什么精度？")
SAVING_EN = ("How much energy do I save switching {m} on {g} from {p} to {q}, in percent?",
             "What percentage of energy would moving {m} ({g}) from {p} to {q} save?",
             "Going from {p} to {q} for {m} on {g}: how many percent less energy per token?")
SAVING_ZH = ("{m} 在 {g} 上从 {p} 换成 {q} 能省多少电（百分比）？",)
COMPARE_EN = ("Compare {p} and {q} for {m} on {g}.", "{p} vs {q} for {m} on {g}: which uses less energy?",
              "Compare precisions for {m} on {g}.")
COMPARE_ZH = ("比较 {m} 在 {g} 上 {p} 和 {q} 的能耗", "对比一下 {m} 在 {g} 上各精度的能耗")


def _entities(rng: random.Random) -> dict[str, Any]:
    written, key = rng.choice(PRECISIONS)
    other_written, other_key = OTHER_PRECISION[key]
    return {"m": rng.choice(MODELS), "g": rng.choice(GPUS), "p": written, "q": other_written, "pk": key, "qk": other_key}


def _estimate(rng: random.Random, zh: bool) -> tuple[str, dict[str, Any]]:
    e = _entities(rng)
    amount, value = rng.choice(AMOUNTS_ZH if zh else AMOUNTS_EN)
    period_w, period = rng.choice(PERIODS_ZH if zh else PERIODS_EN)
    noun_w, noun = rng.choice(NOUNS_ZH if zh else NOUNS_EN)
    ask, unit, asked_period = rng.choice(ASK_ZH if zh else ASK_EN)
    stated: dict[str, Any] = {f"{noun}_per_{period}": value}
    reply = ""
    if rng.random() < 0.5:
        n = rng.choice((90, 128, 200, 300, 512))
        reply = rng.choice(REPLY_ZH if zh else REPLY_EN).format(n=n)
        stated["tokens_per_request"] = n
    if zh:
        text = f"{period_w} {amount} {noun_w}，{e['g']} 上跑 {e['m']}{'，' + reply if reply else ''}，{ask}"
    elif period_w in ("daily", "monthly", "annually"):
        text = f"We serve {amount} {noun_w} {period_w} with {e['m']} on {e['g']}{', ' + reply if reply else ''}. {ask}"
    else:
        text = f"{amount} {noun_w} {period_w} on {e['m']}, {e['g']}{'; ' + reply if reply else ''}. {ask}"
    return text, {"intent": "ESTIMATE", "unit": unit, "period": asked_period, "stated": stated, "model": e["m"]}


def _lookup(rng: random.Random, zh: bool) -> tuple[str, dict[str, Any]]:
    e = _entities(rng)
    shape, unit = rng.choice(LOOKUP_ZH if zh else LOOKUP_EN)
    stated: dict[str, Any] = {}
    batch = ""
    if rng.random() < 0.5:
        n = rng.choice((1, 4, 8, 16, 32, 64))
        batch = rng.choice(BATCH_ZH if zh else BATCH_EN).format(n=n)
        stated["batch_size"] = n
    prec = (f" {e['p']} " if zh else f" in {e['p']}") if rng.random() < 0.6 and e["p"] != "load_in_8bit" else ""
    text = shape.format(m=e["m"], g=e["g"], p=prec, b=batch)
    return text, {"intent": "LOOKUP", "unit": unit, "period": None, "stated": stated, "model": e["m"]}


def _simple(intent: str, en: tuple[str, ...], zh_shapes: tuple[str, ...]):  # type: ignore[no-untyped-def]
    def make(rng: random.Random, zh: bool) -> tuple[str, dict[str, Any]]:
        e = _entities(rng)
        text = rng.choice(zh_shapes if zh else en).format(**e)
        return text, {"intent": intent, "unit": "%" if intent == "SAVING" else None, "period": None, "stated": {}, "model": e["m"]}
    return make


SHAPES = ((_estimate, 6), (_lookup, 5), (_simple("VERDICT", VERDICT_EN, VERDICT_ZH), 3), (_simple("DIAGNOSE", DIAGNOSE_EN, DIAGNOSE_ZH), 3),
          (_simple("OPTIMIZE", OPTIMIZE_EN, OPTIMIZE_ZH), 3), (_simple("SAVING", SAVING_EN, SAVING_ZH), 2),
          (_simple("COMPARE", COMPARE_EN, COMPARE_ZH), 2))


def questions(n: int = 2400, seed: int = 15) -> Iterator[tuple[str, dict[str, Any]]]:
    """`n` generated (question, expected request) pairs, about a third in Chinese."""
    rng = random.Random(seed)
    makers = [maker for maker, weight in SHAPES for _ in range(weight)]
    for i in range(n):
        yield rng.choice(makers)(rng, i % 3 == 0)
