"""No measurement is typed into prose: references/*.md, prompts/* and SKILL.md hold words, data hold numbers.

The scanner's rules (the house contract for every prose file shipped with the package):

Flagged anywhere, code included:
  - a number followed by a measurement unit: %, per cent, W, kW, mW, Wh, kWh, MWh, J, mJ, kJ, MJ,
    watts, joules, tok/s, tokens/s, tokens per second, g/kWh, gCO2, kgCO2, kg, ms, s, seconds,
    GB, TB, GB/s, TB/s, and multipliers such as "125x" or "3 ×";
  - a currency amount: $, €, ¥, £ or "USD" next to a number.
Flagged in prose (outside code spans and jinja tags):
  - a bare decimal such as "5.2" or ".5";
  - a number with thousands separators such as "1,768".
Allowed (removed before scanning):
  - identifiers that start with a letter and contain a digit: model and GPU names (Qwen2.5-3B,
    Llama-3.1-70B, Qwen3-235B-A22B, A800, H100, T4, fp16), versions written "v0.11.1";
  - "RTX" / "GTX" followed by a model number (RTX 4090D, RTX 5090);
  - decimals inside `inline code` and fenced code blocks, e.g. `llm_int8_threshold=0.0` (units
    there are still flagged); jinja {{ }} / {% %} tags are checked for decimals and units but not
    for the text around them;
  - the phrases in ALLOWED_PHRASES (the bitsandbytes default "threshold 6.0");
  - plain integers without a unit (batch size 1, max_num_seqs 8, 256 tokens, "<= 3B", 8×H100)
    and dotted versions with three parts (0.11.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import pytest

NUMBER = r"\d[\d,]*(?:\.\d+)?"
UNITS = (
    r"%|per ?cent\b|percent\b|[kmM]?Wh?\b|MWh\b|[mkM]?J\b|watts?\b|joules?\b|tok/s\b|tokens?/s\b"
    r"|tokens per second\b|g/kWh\b|k?gCO2(?:e|/kWh)?\b|kg\b|ms\b|s\b|seconds?\b|[GT]B(?:/s)?\b"
    r"|[x×](?![A-Za-z0-9])"
)
WITH_UNIT = re.compile(rf"(?<![\w.]){NUMBER}\s?(?:{UNITS})")
MONEY = re.compile(rf"[$€¥£]\s?{NUMBER}|\bUSD\s?{NUMBER}|{NUMBER}\s?USD\b")
BARE_DECIMAL = re.compile(r"(?<![\w.])\d*\.\d+(?![\w.])")
GROUPED = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w])")
IDENTIFIER = re.compile(r"(?<![\w.\-])[A-Za-z][\w]*(?:[.\-][\w]+)*")
GPU_NUMBER = re.compile(r"\b[RG]TX\s?\d{3,4}\w*")
CODE = re.compile(r"`[^`\n]+`")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
UNIT_WORD = re.compile(rf"(?:{UNITS})$")
ALLOWED_PHRASES = ("threshold 6.0",)


@dataclass(frozen=True)
class Finding:
    line: int
    text: str
    rule: str


def _mask_identifiers(text: str) -> str:
    """Replace name-like tokens that carry digits by a neutral word, keeping unit words."""
    def mask(m: re.Match[str]) -> str:
        token = m.group(0)
        return "ID" if any(c.isdigit() for c in token) and not UNIT_WORD.match(token) else token
    return IDENTIFIER.sub(mask, GPU_NUMBER.sub("ID", text))


def _scan_line(line: str, number: int) -> list[Finding]:
    for phrase in ALLOWED_PHRASES:
        line = line.replace(phrase, "ID")
    code = " ".join(CODE.findall(line))
    jinja = _mask_identifiers(" ".join(JINJA.findall(line)))
    prose = _mask_identifiers(JINJA.sub(" ID ", CODE.sub(" ID ", line)))
    findings = []
    for rule, pattern, where in (("number with unit", WITH_UNIT, prose), ("currency", MONEY, prose),
                                 ("number with unit in code", WITH_UNIT, code),
                                 ("currency in code", MONEY, code),
                                 ("bare decimal", BARE_DECIMAL, prose),
                                 ("number in a jinja tag", BARE_DECIMAL, jinja),
                                 ("number with unit in a jinja tag", WITH_UNIT, jinja),
                                 ("thousands separator", GROUPED, prose)):
        findings += [Finding(number, m.group(0), rule) for m in pattern.finditer(where)]
    return findings


def scan(text: str) -> list[Finding]:
    """Literal measurements in `text`, line by line (fenced code blocks are scanned as code)."""
    findings: list[Finding] = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        findings += _scan_line(f"`{line}`" if fenced else line, number)
    return findings


def prose_files() -> dict[str, str]:
    """Every prose file the installed package ships: references, prompt templates, SKILL.md."""
    files: dict[str, str] = {}
    for package, suffixes in (("ecocompute.references", (".md",)), ("ecocompute.prompts", (".j2", ".md"))):
        for entry in resources.files(package).iterdir():
            if entry.name.endswith(suffixes):
                files[f"{package}/{entry.name}"] = entry.read_text(encoding="utf-8")
    skill_md = resources.files("ecocompute").joinpath("SKILL.md")
    if skill_md.is_file():
        files["ecocompute/SKILL.md"] = skill_md.read_text(encoding="utf-8")
    return files


def test_the_package_ships_the_prose_we_scan() -> None:
    names = set(prose_files())
    for expected in ("mechanisms.md", "methodology.md", "hardware.md", "decision_guide.md",
                     "data_conflicts.md", "serving.md"):
        assert f"ecocompute.references/{expected}" in names
    assert "ecocompute.prompts/system.md.j2" in names


@pytest.mark.parametrize("name", sorted(prose_files()))
def test_no_literal_measurements_in_prose(name: str) -> None:
    findings = scan(prose_files()[name])
    assert not findings, (
        f"{name} types measurements into prose; render them from data instead "
        f"(see the rules at the top of tests/test_prose_numbers.py): "
        + "; ".join(f"line {f.line}: {f.text!r} ({f.rule})" for f in findings)
    )


@pytest.mark.parametrize("text", [
    "Default INT8 draws 75.29 W on the RTX 4090D.",
    "It costs about 180 W more.",
    "energy rises to 7,401 J/1k",
    "saves 87.5% at batch 8",
    "NF4 is +29% slower",
    "a penalty of 30 percent",
    "throughput of 29 tok/s",
    "roughly 14 tokens/s",
    "the month costs $19.6",
    "at 0.12 USD per kWh",
    "about 491 kWh per month",
    "the grid is 390 g/kWh",
    "p99 latency under 100 ms",
    "per-request energy is 125x too small",
    "peak memory 8.38",
    "idle is 17 W and the card has 24 GB",
    "`energy = 5.2 J`",
    "{{ 5.2 }} W typed into a jinja tag",
    "1,768",
    "4.7 kgCO2",
])
def test_scanner_flags_planted_measurements(text: str) -> None:
    assert scan(text), f"scanner missed a measurement in {text!r}"


@pytest.mark.parametrize("text", [
    "Qwen2.5-3B, Llama-3.1-70B, Qwen3-235B-A22B, Yi-1.5-6B and TinyLlama-1.1B on A800, H100 and T4.",
    "The RTX 4090D and the RTX 5090 differ from the B200.",
    "Set `llm_int8_threshold=0.0` or keep the default threshold 6.0.",
    "`BitsAndBytesConfig(load_in_8bit=True, llm_int8_threshold=0.0)`",
    "Models <= 3B lose energy in NF4; batch size 1 to batch size 64; max_num_seqs 8.",
    "70B models on 8×H100 count every GPU.",
    "vLLM v0.11.1 and vLLM 0.5.4 are different stacks.",
    "about two bytes per parameter in FP16 and 256 tokens per request",
    "{{ value | num }} {{ unit }} from `lookup_measurement`",
    "J/1k tok and kWh/month are units, not numbers.",
])
def test_scanner_passes_allowed_text(text: str) -> None:
    assert scan(text) == []


def test_scanner_treats_fenced_code_as_code() -> None:
    text = "```python\nconfig = BitsAndBytesConfig(llm_int8_threshold=0.0)\n```\n"
    assert scan(text) == []
    assert [f.rule for f in scan("```\npower = 180 W\n```")] == ["number with unit in code"]


def test_findings_carry_line_numbers() -> None:
    findings = scan("clean line\nA800 pure INT8 saves 5% here\n")
    assert [(f.line, f.text) for f in findings] == [(2, "5%")]
