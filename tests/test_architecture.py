"""docs/architecture.md names real folders, and the import rules it states hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
# Layers above the tools: a module in tools/ importing one of these would invert the layering.
UPPER = ("registry", "schemas", "loop", "providers", "offline", "commands", "evalkit", "cli", "mcp_server",
         "prompting", "protocols", "grounding", "number_mentions", "number_sources", "messages")


def test_every_folder_in_the_package_table_exists() -> None:
    folders = re.findall(r"^\| `([\w/]+/)` \|", DOC, flags=re.MULTILINE)
    assert len(folders) >= 10, folders
    missing = [f for f in folders if not (ROOT / f).is_dir()]
    assert not missing, missing


def test_every_file_named_in_the_how_to_sections_exists() -> None:
    how_to = DOC.split("## How to add")[1]
    named = [p for p in re.findall(r"`((?:skill|tools|references|prompts|tests|evals)/[\w/.]+)`", how_to)
             if "<" not in p and "*" not in p]
    assert named, "the how-to sections name files"
    assert not [p for p in named if not (ROOT / p).exists()]


def test_tools_import_nothing_above_them() -> None:
    bad = []
    for path in (ROOT / "tools").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ecocompute."):
                top = node.module.split(".")[1]
                if top in UPPER:
                    bad.append(f"{path.relative_to(ROOT)}: {node.module}")
    assert not bad, bad
