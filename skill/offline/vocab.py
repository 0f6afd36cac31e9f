"""Vocabularies the reader is driven by, declared once: multipliers, periods, volume nouns, asked units,
intent cues and unmeasured methods (English and Chinese). Patterns here are word lists, not phrases
copied from a question; `request.py` and `quantities.py` combine them.
"""

from __future__ import annotations

import re
from typing import Literal

_I = re.IGNORECASE
B = r"(?<![A-Za-z0-9_])"
E = r"(?![A-Za-z0-9_])"

Period = Literal["day", "month", "year", "total"]

# Multipliers written after a number ("3M", "40 million", "5000万"). Values in `numbers.MULTIPLIER_VALUE`.
MULTIPLIER = r"(?:thousand|million|billion|mn|bn|[kKM]|万|亿|千|百万|千万)"
# A number as written: digits (with thousands separators, a sign and a decimal part) or Chinese numerals.
DIGITS = r"[-−]?\d[\d,]*(?:\.\d+)?"
ZH_NUMERAL = r"[零一二两三四五六七八九十百千万亿]+"

PERIOD_WORDS: dict[Period, str] = {
    "day": r"per\s+day|a\s+day|/\s*day|/\s*d\b|daily|nightly|every\s+night|each\s+night|per\s+night|每晚|each\s+day|every\s+day|per\s+diem|每天|每日|日均|一天|/天",
    "month": r"per\s+month|a\s+month|/\s*mo(?:nth)?\b|monthly|each\s+month|every\s+month|每月|每个月|一个月|月均|/月",
    "year": r"per\s+year|a\s+year|/\s*y(?:ea)?r\b|yearly|annual(?:ly)?|each\s+year|every\s+year|per\s+annum|每年|一年|年均|/年",
}
TOTAL_WORDS = r"once|one[\s-]off|one[\s-]time|in\s+total|total|whole\s+job|all\s+of\s+them|backfill|一次性|总共|总计|一共|全部"
PERIOD_RE = {p: re.compile(w, _I) for p, w in PERIOD_WORDS.items()}

# What a volume counts. Requests (and their synonyms) or generated tokens.
REQUEST_NOUNS = (r"requests?|queries|query|calls?|prompts?|conversations?|generations?|inferences?|completions?|"
                 r"documents?|docs|messages?|chats?|sessions?|tickets?|jobs?|items?|summaries|"
                 r"请求|调用|查询|推理|对话|文档|条(?:请求|消息|数据)?|次(?:请求|调用)?")
TOKEN_NOUNS = r"tokens?|toks?"
# Words allowed between a number and its noun ("3 million chat requests", "150 output tokens").
FILLER = r"(?:(?:chat|user|api|support|inference|output|generated|new|llm|model|completion|个|次|条)\s*){0,2}"

# The unit a question asks for: (quantity, unit, pattern). First match wins, most specific first.
ASKED_UNITS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple((q, u, re.compile(p, _I)) for q, u, p in (
    ("co2", "g CO2/request", r"(?:grams?|\bg)\s*(?:of\s+)?CO2e?\s*(?:per|/|for\s+(?:each|every)|each)\s*(?:request|query|call|reply)|每(?:个|次)?(?:请求|调用)[^\n，。？?]{0,12}(?:克|g)"),
    ("energy", "J/request", r"(?:joules?|\bJ\b|energy|power|electricity)\s*(?:(?:does|do|for)\s+)?(?:per|/|for\s+(?:one|each|a\s+single)|each|a)\s*(?:request|query|call|reply|response)|"
                            r"(?:energy|joules?)\s+(?:does\s+)?(?:one|each|a\s+single)\s+(?:request|query|call)|one\s+request\s+cost|每(?:个|次)(?:请求|调用)[^\n，。？?]{0,12}(?:焦|能耗|耗电)"),
    ("energy", "J/1k tok", r"(?:joules?|\bJ)\s*(?:per|/|for\s+(?:every|each|a))\s*(?:1k|1,?000|thousand|k)\s*tok|(?:energy|joules?|\bJ)\s*(?:per|/)\s*(?:generated\s+|output\s+)?token|"
                           r"per\s+(?:1k|1,?000|thousand)\s+tokens|每\s*(?:千|1k|1000)\s*(?:个\s*)?token|(?:每\s*token|每个\s*token)\s*(?:的)?\s*(?:能耗|焦)"),
    ("throughput", "tok/s", r"tok(?:en)?s?\s*/\s*s(?:ec)?\b|tokens?\s+(?:per|a)\s+second|throughput|吞吐"),
    ("latency", "ms", r"latency|\bITL\b|inter[\s-]token|\bTPOT\b|延迟|时延"),
    ("power", "W", r"\bwatts?\b|power\s+draw|pull(?:s|ing)?\b|(?:gpu\s+)?power\b(?!\s*(?:bill|cost|usage\s+cost))|功耗|功率"),
    ("co2", "kg CO2", r"\bCO2|carbon|emissions?|footprint|碳"),
    ("cost", "USD", r"\bcost|\bbill\b|\bspend|\bpay\b|\bprice\b|\$|dollars|money|电费|多少钱|花费|成本"),
    ("energy", "kWh", r"kWh|kilowatt|energy|electricity|power\s+usage|耗电|用电|度电|电量|千瓦时|能耗"),
))
PERCENT_ASKED = re.compile(r"%|percent|percentage|百分之|百分比|how\s+much\s+(?:energy\s+)?(?:would|will|do|does|can)\s+\w+(?:\s+\w+)?\s+save|能省多少|省多少|节省多少", _I)
PER_GPU = re.compile(r"per\s+GPU|each\s+GPU|/\s*GPU\b|每张卡|每块卡|每卡|单卡", _I)

# Intent cues (the reader combines them with the question's structure).
WH_FIGURE = re.compile(r"\bhow\s+(?:much|many)\b|\bwhat(?:'s|\s+is|\s+are|\s+does|\s+do|\s+would|\s+will)?\b|多少|几|是什么", _I)
YES_NO_START = re.compile(r"^\s*(?:so\s+|and\s+|but\s+)?(?:will|would|does|do|did|is|are|can|could|should|shall|has|have)\b(?!\s+(?:you|u)\b)", _I)
YES_NO_ZH = re.compile(r"吗\s*[？?]?\s*$|会不会|能不能|是否|值不值|有没有用|划不划算", _I)
YES_OR_NO = re.compile(r"\byes\s+or\s+no\b|是不是", _I)
ALTERNATIVE = re.compile(r"\bor\b|还是|\bvs\.?\b|versus", _I)
SAVING = re.compile(r"\bsav(?:e|es|ed|ing|ings)\b|less\s+energy|\bcut\b|reduc|\bswitch|\bmov(?:e|ing)\s+\w*\s*from|\bgo(?:ing)?\s+from|from\s+\S+(?:\s+\S+){0,4}\s+to\s|节省|省电|省多少|能省|换成|改成|切换", _I)
WHY = re.compile(r"\bwhy\b|what\s+gives|what(?:'s|\s+is)\s+(?:wrong|off|up|going\s+on)|something\s+(?:is\s+)?(?:off|wrong)|any\s+idea|is\s+(?:that|this)\s+(?:a\s+problem|normal)|"
                 r"how\s+come|为什么|为啥|怎么回事|咋回事|正常吗|什么原因", _I)
BILL_SYMPTOM = re.compile(r"(?:bill|costs?|electricity|power\s+usage)\s+(?:is\s+|are\s+|went\s+|has\s+gone\s+|got\s+|seems\s+)?(?:very\s+|too\s+|really\s+|so\s+)?"
                          r"(?:high|huge|through\s+the\s+roof|up|doubled|exploded|insane)|电费[^\n，。]{0,6}(?:高|涨|贵|翻倍)", _I)

# Quantisation methods and formats the data has no rows for (said "not measured", never substituted).
UNMEASURED_METHODS: tuple[tuple[str, str], ...] = (
    (B + r"AWQ" + E, "AWQ"), (B + r"GPTQ" + E, "GPTQ"), (B + r"GGUF" + E + r"|" + B + r"q[2-8]_k(?:_[msl])?" + E, "GGUF"),
    (B + r"EXL2" + E + r"|exllama", "EXL2"), (B + r"SmoothQuant" + E, "SmoothQuant"), (B + r"HQQ" + E, "HQQ"),
    (B + r"AQLM" + E, "AQLM"), (B + r"Marlin" + E, "Marlin"), (B + r"(?:speculative\s+decoding|投机解码)", "speculative decoding"),
)
# A known model family followed by a variant word the data does not have ("Mistral Large", "Llama 3 405B").
VARIANT_WORDS = r"Large|Small|Medium|Nemo|Nano|Pro|Max|Turbo|Ultra|Codestral|Mixtral"
# The question asks for a setting (a recommendation), not a figure.
SETTING_ASKED = re.compile(r"(?:what|which)\s+(?:batch|precision|max_num_seqs|dtype|quanti[sz]ation|config)|best\s+(?:batch|precision|config|setting)|"
                           r"should\s+(?:I|we)\s+(?:use|run|set|pick|choose)|recommend|"
                           r"(?:max_num_seqs|batch(?:\s*size)?|精度|批大小)[^\n?？]{0,8}(?:设|用|选)[^\n?？]{0,4}多少|设多少|该设|推荐|建议", _I)
# An explicit request for one protocol's format ("Diagnose that setting.", "请诊断") and a choice between options.
EXPLICIT_PROTOCOL = re.compile(r"\b(?:diagnose|recommend\s+a|compare|estimate|audit)\b|诊断|推荐|比较|对比|估算|审计", _I)
CHOICE = re.compile(r"\bwhich\b[^?？]*\bor\b|哪个|哪一个|哪种", _I)
