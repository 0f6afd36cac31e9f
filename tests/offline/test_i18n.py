"""Chinese answers: every translatable message of the offline engine and the answer templates has a Chinese
translation in the gettext catalog (extracted with Babel), placeholders intact; Chinese questions get Chinese
headings, sentences and assumptions while the tables keep the tool values."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ecocompute.i18n import catalog_path
from ecocompute.loop import run_agent
from ecocompute.protocols import PROTOCOLS, get
from ecocompute.providers.offline import OfflineModel

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def source_messages() -> list[str]:
    """Every msgid marked in the engine (`tr()`, `N_()`) and in the templates (`_()`), and the protocols table's
    titles and headings (translated where they are rendered, e.g. `_(section.heading)`)."""
    found = [p.name.title() for p in PROTOCOLS] + [h for p in PROTOCOLS for h in p.headings]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Babel warns about f-strings it skips (values, not messages)
        for root, method, keywords in ((ROOT / "skill" / "offline", [("**.py", "python")], {"tr": None, "N_": None}),
                                       (ROOT / "prompts", [("**.j2", "jinja2.ext:babel_extract")], {"_": None})):
            for _name, _line, message, _comments, _context in extract_from_dir(
                    str(root), method, keywords=keywords, options_map={"**.j2": {"extensions": "jinja2.ext.i18n"}}):
                found.append(message)
    return list(dict.fromkeys(found))


def catalog() -> dict[str, str]:
    with catalog_path("zh").open(encoding="utf-8") as handle:
        return {m.id: m.string for m in read_po(handle, locale="zh") if m.id}


def test_every_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    messages, zh = source_messages(), catalog()
    assert len(messages) > 100
    untranslated = [m for m in messages if not zh.get(m)]
    assert not untranslated, f"untranslated: {untranslated[:5]}"
    broken = [m for m in messages if set(PLACEHOLDER.findall(m)) != set(PLACEHOLDER.findall(zh[m]))]
    assert not broken, f"placeholders differ: {broken[:5]}"


def test_an_untranslated_message_is_caught() -> None:
    zh = catalog()
    heading = get("ESTIMATE").headings[0]
    zh.pop(heading)
    assert [m for m in source_messages() if not zh.get(m)] == [heading]


@pytest.mark.parametrize(("question", "protocol"), [
    ("每月 50万 次请求，A800 上跑 Yi-1.5-9B FP16，估算每月电费。", "ESTIMATE"),
    ("在 A800 上部署 Qwen2.5-14B 做在线服务，推荐什么配置？", "OPTIMIZE"),
    ("比较 Mistral-7B 在 RTX 4090D 上的各种精度的能耗", "COMPARE"),
])
def test_a_chinese_question_gets_chinese_headings_and_assumptions(question: str, protocol: str) -> None:
    answer = run_agent(OfflineModel(), question, system="").answer
    headings = [line for line in answer.splitlines() if line.startswith(("## ", "### "))]
    assert headings and all(re.search(r"[\u4e00-\u9fff]", h) for h in headings), headings
    assert not any(s.markdown in answer for s in get(protocol).sections) and "**Assumptions:**" not in answer


def test_an_english_question_stays_english() -> None:
    answer = run_agent(OfflineModel(), "Compare precisions for Mistral-7B on the A800.", system="").answer
    assert get("COMPARE").sections[1].markdown in answer and not re.search(r"[\u4e00-\u9fff]", answer)
