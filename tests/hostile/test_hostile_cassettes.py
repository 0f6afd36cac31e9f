"""No API key, organisation id or cookie in any cassette under tests/ or evals/ (request AND
response, headers AND bodies). The scanner is checked against a planted cassette first."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.loopback import SECRET_RESPONSE_HEADERS
from support.recording import FAKE_KEYS

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN_HEADERS = frozenset({
    "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie",
    "openai-organization", "openai-project", "anthropic-organization-id", "x-goog-api-key",
})
SECRET_PATTERNS = [
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{16,}"),
    re.compile(r"\borg-[A-Za-z0-9]{12,}"),
    re.compile(r"Bearer\s+[A-Za-z0-9._\-]{12,}", re.IGNORECASE),
    re.compile(r"__cf_bm=|_cfuvid=|\bsession(?:id)?=[A-Za-z0-9]", re.IGNORECASE),
    *[re.compile(re.escape(value)) for value in (*FAKE_KEYS, *SECRET_RESPONSE_HEADERS.values())],
    *[re.compile(re.escape(value.split("=")[1].split(";")[0]))
      for value in SECRET_RESPONSE_HEADERS.values() if "=" in value],
]


def cassettes() -> list[Path]:
    """Every vcrpy cassette (a YAML file with `interactions`) under tests/ and evals/."""
    found = []
    for folder in ("tests", "evals"):
        for path in sorted((REPO / folder).rglob("*.y*ml")):
            if path.suffix in (".yaml", ".yml") and "interactions:" in path.read_text(encoding="utf-8"):
                found.append(path)
    return found


def problems(text: str) -> list[str]:
    """What in one cassette's text would leak a secret."""
    found = [f"secret-looking text {m.group(0)[:12]}…" for p in SECRET_PATTERNS for m in p.finditer(text)]
    data: Any = yaml.safe_load(text) or {}
    for i, interaction in enumerate(data.get("interactions") or []):
        for side in ("request", "response"):
            headers = (interaction.get(side) or {}).get("headers") or {}
            found += [f"interaction {i} {side} header {name!r}" for name in headers
                      if name.lower() in FORBIDDEN_HEADERS]
    return found


def test_the_scanner_finds_planted_secrets() -> None:
    planted = (
        "interactions:\n- request:\n    body: '{\"key\": \"sk-proj-AAAAAAAAAAAAAAAAAAAA\"}'\n"
        "    headers:\n      Authorization: [Bearer abcdefghijklmnop]\n"
        "  response:\n    body: {string: ok}\n    headers:\n      set-cookie: [a=b]\n"
        "      openai-organization: [org-loopback-to-scrub]\n"
    )
    found = problems(planted)
    assert any("Authorization" in p for p in found) and any("set-cookie" in p for p in found)
    assert any("openai-organization" in p for p in found)
    assert sum("secret-looking" in p for p in found) >= 3


def test_there_are_cassettes_to_scan() -> None:
    assert len(cassettes()) >= 4


@pytest.mark.parametrize("path", cassettes(), ids=lambda p: str(p.relative_to(REPO)))
def test_cassette_has_no_secrets(path: Path) -> None:
    assert problems(path.read_text(encoding="utf-8")) == []
