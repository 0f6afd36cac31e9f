"""The protocols table is the one place protocol headings and "when it applies" text are written."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from ecocompute import i18n, mcp_server, protocols
from ecocompute.protocols import PROTOCOLS

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "skill" / "protocols.py"
# Generated from the table (and checked against it below) or recorded: not places where text is written.
GENERATED = ("skill/SKILL.md", "tests/snapshots/", "evals/cassettes/", "tests/cassettes/", "benchmarks/RESULTS.md")
# Files allowed to write protocol text until they read the table: none left (templates, offline views and
# the scenarios' language checks now read it: `protocols.X.sections`, `forbid_untranslated_headings`).
PENDING: tuple[str, ...] = ()
# The held-out questions were written before the engine changed and are never edited to fit (issue 15).
FROZEN = ("evals/heldout/",)
SCANNED = ("skill", "tools", "prompts", "references", "evals", "tests", "benchmarks", "docs")
SUFFIXES = {".py", ".j2", ".md", ".yaml", ".yml", ".txt", ".json"}


# A scenario's `sections:` list and a pattern's `section:` pick headings by name; the schema rejects a name
# that is not a heading of the scenario's protocol in the table, so they are references, not copies.
HEADING_REFERENCES = re.compile(r"(?m)^\s*sections:.*$|\bsection: [^,}\n]*")


def _phrases() -> list[str]:
    """Every protocol's purpose, when and tip, its headings as written in answers (in English and in every
    catalog's language), multi-word headings, every heading as a quoted string literal (in `tr()`, `_()` or a
    comparison), and the longer section descriptions."""
    out = []
    for p in PROTOCOLS:
        out += [p.purpose, p.when, p.tip]
        out += [s.markdown for s in p.sections]
        out += [f"{'#' * s.level} {i18n.translations(lang).gettext(s.heading)}" for s in p.sections
                for lang in i18n.LANGUAGES if lang != "en"]
        out += [s.heading for s in p.sections if " " in s.heading]
        out += [f"{q}{s.heading}{q}" for s in p.sections for q in "\"'"]
        out += [s.holds for s in p.sections if len(s.holds) > 20]
    return out


def _files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in (ROOT / top).rglob("*"):
            rel = path.relative_to(ROOT).as_posix()
            if path.suffix in SUFFIXES and path.is_file() and path != TABLE and not rel.startswith(GENERATED + PENDING + FROZEN) \
                    and "/corpus/" not in rel and ".venv" not in rel and "__pycache__" not in rel:
                files.append(path)
    return files


def test_no_protocol_text_is_written_outside_the_table() -> None:
    phrases = _phrases()
    hits = []
    for path in _files():
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.parent.name == "scenarios":
            text = HEADING_REFERENCES.sub("", text)
        hits += [f"{path.relative_to(ROOT)}: {phrase!r}" for phrase in phrases if phrase in text]
    assert not hits, hits


def test_protocol_names_are_declared_once() -> None:
    """No type lists the protocol names again: they are `ProtocolName` (or checked against the table)."""
    names = "|".join(p.name for p in PROTOCOLS)
    literal = re.compile(rf"Literal\[[^\]]*[\"'](?i:{names})[\"']")
    hits = [str(path.relative_to(ROOT)) for path in _files() if path.suffix == ".py"
            and literal.search(path.read_text(encoding="utf-8", errors="replace"))]
    assert not hits, hits


def test_the_committed_skill_md_is_generated_from_the_table() -> None:
    committed = resources.files("ecocompute").joinpath("SKILL.md").read_text(encoding="utf-8")
    assert committed == protocols.skill_markdown(), "regenerate it: python -m ecocompute.protocols"


def test_mcp_prompts_are_the_table() -> None:
    server = mcp_server.build_server()
    listed = {p.name: p for p in server._prompt_manager.list_prompts()}
    assert list(listed) == [p.name.lower() for p in PROTOCOLS]
    for p in PROTOCOLS:
        assert listed[p.name.lower()].description == p.purpose


def test_every_protocol_tool_is_registered() -> None:
    from ecocompute.registry import tool_names

    for p in PROTOCOLS:
        assert set(p.tools) <= set(tool_names()), p.name
