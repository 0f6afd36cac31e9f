"""The words and patterns the offline engine reads questions with, English and Chinese."""

from __future__ import annotations

import re

_B = r"(?<![A-Za-z0-9_])"
_E = r"(?![A-Za-z0-9_])"
_I = re.IGNORECASE
# Linear matching (hostile input): whitespace runs are possessive (`\s*+`), so adjacent runs cannot split
# one run between them, and a number starts only where no digit (or "digit,") precedes it, so a long digit
# run is tried once, not once per digit.
_N0 = r"(?<!\d)(?<!\d,)"

GPU_NAMES = (r"(?:NVIDIA\s*+)?(?:GeForce\s*+)?(?:RTX\s*+-?\s*+(?:\d{4})(?:\s*+(?:D|Ti|Super))?|(?:3080|3090|4070|4080|4090|5080|5090)(?:\s*+D)?"
             r"|A800|A100|A6000|H100|H200|B200|V100|L40S|L4|T4)(?:[-\s]?(?:SXM\d?|PCIe|\d+\s?GB))*")
GPU_TOKEN = re.compile(_B + GPU_NAMES + r"(?=s?(?![A-Za-z0-9_]))", _I)
OTHER_GPU = re.compile(_B + r"(?:MI\d{3}X?|H20|L20|GB200|RTX\s*+A\d{4}|A10G?|A30|A40|P100|K80)" + _E, _I)
_COUNT_WORD = r"(\d{1,2}|一|两|二|三|四|八|十六)"
GPU_COUNT = (
    re.compile(_B + r"(\d{1,2})\s*+[x×*]\s*+" + GPU_NAMES, _I),
    re.compile(_B + r"(\d{1,2})\s++" + GPU_NAMES + r"s?" + _E, _I),
    re.compile(_B + r"(\d{1,2})\s*+(?:GPUs|cards)" + _E, _I),
    re.compile(r"(?:tensor[\s_-]*parallel(?:ism|_size)?|tp)\s*+(?:=|of|:)?\s*+(\d{1,2})" + _E, _I),
    re.compile(r"(?<!\d)" + _COUNT_WORD + r"\s*+(?:张|块|个|台)\s*+(?:" + GPU_NAMES + r"|GPU|显卡|卡)", _I),
    re.compile(r"(?<!\d)" + _COUNT_WORD + r"\s*+卡", _I),
)
SMALL_NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "八": 8, "十六": 16}

SIZED_MODEL = re.compile(
    _B + r"(?<![-./])(?:[A-Za-z][\w.-]*/)?[A-Za-z][A-Za-z0-9.]*(?:[-_][A-Za-z0-9.]+)*?[-_]?(?<!\d)\d+(?:\.\d+)?[Bb]" + _E
    + r"(?:-[A-Za-z][\w.]*)*")
BARE_SIZE = re.compile(_B + r"(\d+(?:\.\d+)?\s?[Bb])" + r"(?:\s*+(?:parameter|param|model|参数|模型|的模型)|(?![A-Za-z0-9_]))", _I)
NOT_A_MODEL = {"a", "an", "the", "my", "our", "run", "running", "with", "of", "for", "on", "is", "and", "use", "using", "serve", "serving"}

PRECISION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("int8_pure", re.compile(r"pure\s*+int8|int8[\s_-]*pure|threshold\s*+(?:=|of|to)?\s*+0(?:\.0)?" + _E + r"|阈值\s*+(?:=|为|设为)?\s*+0|纯\s*+int8", _I)),
    ("int8_default", re.compile(_B + r"(?:int8|8[\s-]?bit|llm\.int8|bnb\s*+8|load_in_8bit)" + _E + r"|8\s*+位", _I)),
    ("nf4_dq", re.compile(r"double[\s_-]*quant|双重量化", _I)),
    ("nf4", re.compile(_B + r"(?:nf4|4[\s-]?bit|int4|bnb\s*+4|load_in_4bit)" + _E + r"|4\s*+位", _I)),
    ("fp16", re.compile(_B + r"(?:fp16|float16|half[\s-]precision)" + _E + r"|半精度", _I)),
    ("bf16", re.compile(_B + r"(?:bf16|bfloat16)" + _E, _I)),
    ("fp8", re.compile(_B + r"(?:fp8|float8)" + _E, _I)),
    ("fp32", re.compile(_B + r"(?:fp32|float32|full[\s-]precision)" + _E + r"|全精度", _I)),
)

UNKNOWN_PRECISION = re.compile(_B + r"(?:INT|FP|BF|NF|UINT|FLOAT)\d{1,2}" + _E, _I)

BATCH = re.compile(
    r"(?:max_num_seqs|batch[\s_-]*size|batch(?:es|ed)?|" + _B + r"bs|批大小|批量大小|批次大小|批量|批处理大小|并发数?)"
    r"\s*+(?:=|:|of|is|to|为|是|设为|设置为|设成|到|只有|只用)?\s*+([-−]?\d{1,5})" + _E, _I)

OTHER_ENGINES = ((r"sglang", "SGLang"), (r"\bTGI\b|text[\s-]generation[\s-]inference", "TGI"),
                 (r"tensorrt[\s-]?llm|trt[\s-]?llm", "TensorRT-LLM"), (r"llama\.cpp|llamacpp", "llama.cpp"),
                 (r"ollama", "Ollama"))

LATENCY_WORD = re.compile(r"latency|ITL|inter[\s-]token|TPOT|deadline|SLO|延迟|时延|每\s*+token", _I)
MILLISECONDS = re.compile(_N0 + r"(\d++(?:\.\d++)?)\s*+(?:ms|毫秒|milliseconds?)" + _E, _I)

TOKENS_PER_REQUEST = (
    re.compile(_N0 + r"(\d[\d,]*+(?:\.\d+)?\s*+[kK]?)\s*+(?:output\s++|generated\s++|new\s++)?tokens?\s*+(?:per|each|/|an?|every)\s*+(?:request|query|call|response|answer)", _I),
    re.compile(r"(?:每次|每个|每条)(?:请求|调用|回答|回复)?\s*+(?:生成|输出)?\s*+(?:约|大约)?\s*+(\d[\d,]*)\s*+(?:个)?\s*+tokens?", _I),
    re.compile(_N0 + r"(\d[\d,]*+)\s*+(?:个)?\s*+(?:输出)?\s*+tokens?\s*+(?:每次|每个请求|/请求)", _I),
    re.compile(_N0 + r"(\d[\d,]*+)\s*+(?:output\s++|generated\s++|new\s++)?tokens?\s++(?:each|apiece)" + _E, _I),
    re.compile(r"(?:max_new_tokens|output\s++length)\s*+(?:=|of|:)?\s*+(\d[\d,]*)", _I),
)
OBSERVED_POWER = re.compile(_N0 + r"(\d++(?:\.\d++)?)\s*+(?:W|watts?|瓦)" + _E, _I)
OBSERVED_SPEED = re.compile(_N0 + r"(\d++(?:\.\d++)?)\s*+(?:tok(?:en)?s?\s*+/\s*+s(?:ec)?|tokens?\s++(?:per|a)\s++second|tokens?\s*+/\s*+秒|tokens?每秒)", _I)
PRICE = re.compile(r"\$\s*+(\d+(?:\.\d+)?)\s*+(?:/|per)\s*+kWh|(?<!\d)(\d++(?:\.\d++)?)\s*+(?:USD|dollars?)\s*+(?:/|per)\s*+kWh", _I)

USE_CASES = ((r"chat\s*+bot|interactive|real[\s-]?time|latency[\s-]sensitive|聊天|交互|实时", "interactive"),
             (r"offline|batch\s++(?:job|processing|inference)|nightly|bulk|离线|批处理|批量处理", "batch"),
             (r"\bAPI\b|serving|service|online|服务|线上", "api"))
SYMPTOMS = ((r"more\s++(?:joules|energy|power|electricity)\s++(?:per\s++(?:token|request)\s++)?than|energy\s++(?:is\s++)?(?:very\s++)?high|high\s++energy|power[\s-]hungry|too\s++much\s++(?:energy|power)|energy\s++bill|能耗(?:很|太|偏|过)?高|耗电|功耗(?:很|太|偏)?高|电费(?:很|太)?高", "high energy"),
            (r"\bslow|throughput\s++(?:is\s++)?low|low\s++throughput|takes?\s++(?:too\s++)?long|慢|吞吐(?:量)?(?:很|太)?低", "slow"),
            (r"low\s++(?:gpu\s++)?utili[sz]ation|gpu\s++(?:is\s++)?idle|利用率(?:很|太)?低", "low utilisation"),
            (r"lower\s++(?:power|watts?|wattage)|less\s++(?:power|watts?)|power\s++(?:went\s++|is\s++)?down|功耗(?:降低|下降|更低)", "lower power"))

PROTOCOL_CUES: dict[str, tuple[str, ...]] = {
    "AUDIT": (r"\baudit|review\s++(?:my|this|the)\s++code|check\s++(?:my|this)\s++code|code\s++review|审计|审查|检查(?:一下)?(?:我的|这段)?代码",),
    "ESTIMATE": (r"\bcost|\bbill|kWh|\bCO2|carbon|emission|monthly|per\s++month|a\s++month|how\s++much\s++(?:will|would|does)|budget|\bestimate|"
                 r"电费|成本|碳排放?|排放|每月|每个月|估算|预估|多少钱|花费",),
    "DIAGNOSE": (r"\bwhy\b|what(?:'s|\s++is)\s++going\s++on|diagnos|slow|energy\s++(?:is\s++)?(?:very\s++)?high|high\s++energy|power[\s-]hungry|problem|wrong|issue|"
                 r"为什么|诊断|慢|能耗(?:很|太|偏)?高|耗电|功耗(?:很|太|偏)?高|问题|怎么回事",),
    "COMPARE": (r"\bcompare|comparison|\bvs\.?\b|versus|which\s++(?:is|one)\s++(?:better|cheaper|more\s++efficient)|difference\s++between|"
                r"precision\s++table|比较|对比|哪个(?:更)?(?:好|省)|区别|差异",),
    "OPTIMIZE": (r"recommend|\bbest\b|should\s++I|good\s++(?:plan|idea)|(?:cut|reduce|lower)\s++(?:the\s++|our\s++|my\s++)?(?:electricity\s++)?bill|which\s++(?:batch|precision|max_num_seqs)|what\s++(?:batch|precision|max_num_seqs)|"
                 r"optimi[sz]e|configur|set\s++up|setting|推荐|建议|优化|配置|应该|怎么设|选择",),
}
# A lookup question asks for the measured rows themselves (answered in the COMPARE format).
LOOKUP = re.compile(r"\blook\s*+(?:it|them|this|that|both|these|those)?\s*+up\b|\blookup\b|查一下|查询|查找|查表", _I)
BATCH_RANGE = re.compile(r"(?:batch(?:\s*+size)?|max_num_seqs|bs|批大小|批量)\s*+(?:from\s++)?(\d{1,5})\s*+(?:to|-|–|through|至|到)\s*+(\d{1,5})" + _E, _I)
# Settings the dataset has no rows for: named in the answer as not measured, never guessed.
UNMEASURED_SETTINGS = (
    (r"power[\s-]*(?:limit|cap)|(?:limit|cap)\w*\s++(?:the\s++)?(?:power|wattage)|nvidia-smi\s++-pl|\s-pl\s|功耗墙|限制功耗|功率上限|限功率",
     "GPU power limits (power caps, `nvidia-smi -pl`)"),
    (r"(?:lock|limit|cap)\w*\s++(?:the\s++)?(?:gpu\s++)?clocks?|clock\s++(?:lock|limit|cap)|undervolt|降频|锁频", "GPU clock locking or undervolting"),
)
ENERGY_CLAIM = re.compile(_N0 + r"(\d++(?:\.\d++)?)\s*+(?:J|joules?|焦耳?)\s*+(?:per|/|each|a|每)\s*+(?:request|query|call|请求|次)", _I)
# Ties go to the more specific protocol.
PROTOCOL_PRIORITY = ("AUDIT", "ESTIMATE", "DIAGNOSE", "COMPARE", "OPTIMIZE")
FOLLOW_UP = re.compile(r"^\s*+(?:and|so|then|what\s++about|how\s++about|same\s++(?:for|on)|now|那|那么|换成|如果|改成|还有)", _I)

_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SCALES = {"k": 1e3, "thousand": 1e3, "千": 1e3, "m": 1e6, "million": 1e6, "百万": 1e6, "万": 1e4,
           "亿": 1e8, "billion": 1e9, "十": 10, "百": 100}


def small_number(text: str) -> int:
    """A GPU count written in digits or a Chinese numeral (两, 四, 十六 ...)."""
    return SMALL_NUMBERS[text] if text in SMALL_NUMBERS else int(text)


def quantity(text: str) -> float:
    """'10万' -> 100000, '1.5M' -> 1500000, '2 million' -> 2000000, '10k' -> 10000, '1,000' -> 1000."""
    text = text.strip().replace(",", "").replace("−", "-")
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*+([A-Za-z]+|万|亿|千|百万)?", text)
    if match:
        value = float(match.group(1))
        unit = (match.group(2) or "").lower()
        return value * _SCALES.get(unit, 1)
    return _chinese_quantity(text)


def _chinese_quantity(text: str) -> float:
    """'十万' -> 100000, '五百万' -> 5000000 (digits with 十 / 百 / 千, then 万 or 亿)."""
    scale = 1.0
    if text[-1] in "万亿":
        scale, text = _SCALES[text[-1]], text[:-1]
    total, current = 0.0, 0.0
    for ch in text:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch in "十百千":
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
    return (total + current) * scale
