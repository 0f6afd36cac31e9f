"""Characters sent on the first request (system prompt + tool schemas) vs the prompt-only approach."""

from __future__ import annotations

import json
import re
from typing import Any

from benchmarks.report import Row

# The first request's target (system prompt + the tools as the OpenAI adapter sends them, json.dumps).
LEAN_BUDGET = 8_000


def sent_tools(provider: str = "openai") -> list[dict[str, Any]]:
    """The `tools` list exactly as the provider adapter sends it to its model (lean, see ecocompute.schemas)."""
    from ecocompute.registry import TOOLS
    from ecocompute.schemas import anthropic_request_tool, openai_request_tool

    render = openai_request_tool if provider == "openai" else anthropic_request_tool
    return [render(spec) for spec in TOOLS]


def _largest_fields(schemas: list[dict[str, Any]], count: int = 8) -> list[tuple[int, str]]:
    sizes = []
    for tool in schemas:
        fn = tool.get("function", tool)
        name = fn.get("name", "?")
        sizes.append((len(fn.get("description", "")), f"{name}.description"))
        props = (fn.get("parameters") or fn.get("input_schema") or {}).get("properties", {})
        for prop, node in props.items():
            sizes.append((len(json.dumps(node)), f"{name}.{prop}"))
    return sorted(sizes, reverse=True)[:count]


def _sections(prompt: str) -> list[tuple[int, str]]:
    """The system prompt's markdown sections by size (heading text, chars including the body)."""
    parts = [part for part in re.split(r"(?m)^(?=#)", prompt) if part.strip()]
    return sorted(((len(part), part.splitlines()[0].lstrip("# ")) for part in parts), reverse=True)


def parts() -> list[tuple[str, int]]:
    """The first request part by part, in the order it is sent: each system prompt section, each tool's
    tool as the OpenAI adapter sends it (`json.dumps`, default separators) and the list's own brackets and
    separators. The parts sum to the measured total."""
    from ecocompute.prompting import system_prompt

    prompt = system_prompt()
    sections = [part for part in re.split(r"(?m)^(?=#)", prompt) if part]
    out = [(f"prompt: {part.splitlines()[0].lstrip('# ') or '(preamble)'}", len(part)) for part in sections]
    schemas = sent_tools("openai")
    tools = [(f"tool: {t['function']['name']}", len(json.dumps(t))) for t in schemas]
    listing = len(json.dumps(schemas)) - sum(size for _, size in tools)
    return out + tools + [("tools list brackets and separators", listing)]


def main() -> int:
    """`python -m benchmarks.context_size`: the first request part by part, and the total vs the budget."""
    rows = parts()
    width = max(len(name) for name, _ in rows)
    for name, size in rows:
        print(f"{name:<{width}}  {size:>6,}")
    total = sum(size for _, size in rows)
    print(f"{'total (budget ' + format(LEAN_BUDGET, ',') + ')':<{width}}  {total:>6,}  {'met' if total <= LEAN_BUDGET else 'NOT met'}")
    from ecocompute.schemas import export_all

    for label, size in (("the same tools, Anthropic adapter", len(json.dumps(sent_tools("anthropic")))),
                        ("exported openai-chat (strict, for clients)", len(json.dumps(export_all("openai-chat"))))):
        print(f"{label:<{width}}  {size:>6,}")
    return 0


def run() -> tuple[list[Row], list[str]]:
    from ecocompute.prompting import data_tables_markdown, reference_documents, system_prompt
    from ecocompute.schemas import export_all

    prompt = system_prompt()
    schemas = sent_tools("openai")
    schema_chars = len(json.dumps(schemas))
    compact_chars = len(json.dumps(schemas, separators=(",", ":")))
    anthropic_chars = len(json.dumps(sent_tools("anthropic")))
    strict_chars = len(json.dumps(export_all("openai-chat")))
    tables = data_tables_markdown()
    references = reference_documents()
    ours = len(prompt) + schema_chars
    baseline = len(tables) + sum(len(text) for text in references.values())
    ratio = ours / baseline
    per_tool = sorted(((len(json.dumps(t)), t.get("function", t).get("name", "?")) for t in schemas), reverse=True)
    needed = max(0, ours - baseline // 4)
    rows = [Row("context size (first request)",
                f"{ours:,} chars (prompt {len(prompt):,} + schemas {schema_chars:,}) vs {baseline:,} prompt-only",
                "<= 1/4 of prompt-only", ratio, 0.25,
                f"to meet: cut {needed:,} chars" if needed else "met"),
            Row("context size vs the lean budget", f"{ours:,} chars ({compact_chars + len(prompt):,} with compact JSON)",
                f"<= {LEAN_BUDGET:,} chars", ours / LEAN_BUDGET, 1.0,
                f"prompt {len(prompt):,} + schemas {schema_chars:,}; largest tool: {per_tool[0][1]} {per_tool[0][0]:,}")]
    details = [
        "### Context size",
        "",
        f"- system_prompt(): {len(prompt):,} chars; the tools as the OpenAI adapter sends them (lean, not strict) "
        f"as JSON: {schema_chars:,} chars",
        f"- (compact JSON, as an HTTP client that drops spaces sends it: {compact_chars:,} chars; "
        f"the same tools as the Anthropic adapter sends them: {anthropic_chars:,} chars; "
        f"export_all('openai-chat'), the strict schemas exported for clients: {strict_chars:,} chars)",
        "- system prompt sections (chars): " + ", ".join(f"{title!r} {size:,}" for size, title in _sections(prompt)),
        f"- prompt-only baseline: data_tables_markdown() {len(tables):,} chars + "
        f"{len(references)} reference documents {baseline - len(tables):,} chars",
        f"- ratio {ratio:.3f} (target 0.25); a budget of {baseline // 4:,} chars",
        "- schema chars per tool: " + ", ".join(f"{name} {size:,}" for size, name in per_tool),
        "- first request part by part (`python -m benchmarks.context_size`): "
        + ", ".join(f"{name} {size:,}" for name, size in parts()) + f"; total {ours:,} vs the budget {LEAN_BUDGET:,}",
        "- largest schema descriptions / fields (JSON chars): "
        + ", ".join(f"`{name}` {size:,}" for size, name in _largest_fields(schemas)),
        "",
    ]
    return rows, details


if __name__ == "__main__":
    raise SystemExit(main())
