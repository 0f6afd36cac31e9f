"""Report the held-out pass rate of the offline engine (not a pytest module: run it, never tune on it).

    python evals/heldout/run_heldout.py [--verbose] [--reader]

Each question becomes a scenario: its `expect` plus its `opening` patterns (which must match within the
first lines of the answer). `--reader` also compares the typed request the engine reads with the
question's `request` (intent, asked unit, stated quantities) when the engine exposes a reader.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from ecocompute.evalkit.runner import RunSettings, run_one
from ecocompute.evalkit.schema import Scenario
from ecocompute.prompting import system_prompt
from ecocompute.providers.base import make_model

HERE = Path(__file__).resolve().parent
OPENING_LINES = 3


def opening_pattern(pattern: str) -> str:
    """`pattern` within the first lines of the answer (the grader searches case-insensitively, multiline)."""
    return r"\A(?:[^\n]*\n){0," + str(OPENING_LINES - 1) + r"}[^\n]*(?:" + pattern + ")"


def scenario(item: dict[str, Any]) -> Scenario:
    expect = dict(item.get("expect") or {})
    required = list(expect.get("required", []))
    required += [{"pattern": opening_pattern(p), "why": "the opening answers the asked quantity"} for p in item.get("opening", [])]
    expect["required"] = required
    turn: dict[str, Any] = {"text": item["text"]}
    if item.get("code"):
        turn["code"] = item["code"]
    lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in item["text"]) else "en"
    return Scenario.model_validate({"id": item["id"], "protocol": "optimize", "tags": {"language": lang, "kind": [item["kind"]]},
                                    "turns": [turn], "expect": expect, "source": str(HERE / "questions.yaml")})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--reader", action="store_true", help="also check the typed request (after the reader exists)")
    args = ap.parse_args(argv)
    items = yaml.safe_load((HERE / "questions.yaml").read_text(encoding="utf-8"))
    settings = RunSettings(make=lambda: make_model("offline"), system=system_prompt())
    passed, by_kind = 0, {}
    for item in items:
        result = run_one(scenario(item), settings)
        ok = result.passed
        if args.reader:
            ok = ok and not reader_mismatch(item)
        passed += ok
        total, good = by_kind.get(item["kind"], (0, 0))
        by_kind[item["kind"]] = (total + 1, good + ok)
        if args.verbose and not ok:
            why = [v.why for v in result.verdicts if not v.passed] + ([result.error] if result.error else [])
            why += reader_mismatch(item) if args.reader else []
            print(f"FAIL {item['id']}: " + " | ".join(str(w) for w in why)[:600])
    for kind, (total, good) in by_kind.items():
        print(f"  {kind:20s} {good}/{total}")
    print(f"held-out: {passed}/{len(items)} passed ({100 * passed / len(items):.0f} %)")
    return 0


def reader_mismatch(item: dict[str, Any]) -> list[str]:
    """Differences between the engine's typed request and the expected one (empty when there is no reader)."""
    try:
        from ecocompute.offline.request import compare_request  # type: ignore[attr-defined]
    except ImportError:
        return []
    return compare_request(item["text"], item["request"])


if __name__ == "__main__":
    sys.exit(main())
