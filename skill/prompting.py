"""Prompt assembly: one jinja2 environment over `ecocompute.prompts`, the references, and data figures.

Every number in a rendered prompt comes from the dataset or the evidence functions at render time;
the templates and reference documents themselves hold none (tests/test_prose_numbers.py checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from ecocompute import i18n
from ecocompute.protocols import BY_NAME, PROTOCOLS
from ecocompute.tools import evidence
from ecocompute.tools.dataset import Dataset, Measurement, load
from ecocompute.tools.engines import engine
from ecocompute.tools.engines import keys as engine_keys

PROMPTS_PACKAGE = "ecocompute.prompts"
REFERENCES_PACKAGE = "ecocompute.references"
# Reading order of the references in the prompt digest; any other *.md file follows alphabetically.
REFERENCE_ORDER = ("mechanisms", "decision_guide", "methodology", "hardware", "serving", "data_conflicts")
KEY_POINTS = re.compile(r"^## Key points\s*$(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
TABLE_MARKER = re.compile(r"<!-- ecocompute:table (\w+) -->")


def format_number(value: object) -> str:
    """Render a table cell or figure: None as a dash, floats without trailing zeros."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= 1:
            return f"{value:,.0f}"
        text = f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3g}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def format_pct(value: float | None) -> str:
    """A signed percentage with one decimal, or a dash."""
    return "–" if value is None else f"{value:+.1f}%"


@cache
def environment(language: str = "en") -> Environment:
    """The jinja2 environment of one answer language: templates from the installed package, undefined names
    raise, `_()` translated through the gettext catalog of `language` (jinja2's i18n extension)."""
    env = Environment(
        loader=PackageLoader(PROMPTS_PACKAGE, "."),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(num=format_number, pct=format_pct)
    env.globals["protocols"] = BY_NAME  # headings come from the protocols table, e.g. protocols.AUDIT.sections
    return env


def render(template: str, **context: Any) -> str:
    """Render a template from `prompts/` (e.g. "format_compare.md.j2") in the current answer language."""
    return environment(i18n.current()).get_template(template).render(**context)


def _reference_files() -> dict[str, str]:
    root = resources.files(REFERENCES_PACKAGE)
    found = {p.name.removesuffix(".md"): p.read_text(encoding="utf-8")
             for p in root.iterdir() if p.name.endswith(".md")}
    order = [n for n in REFERENCE_ORDER if n in found] + sorted(set(found) - set(REFERENCE_ORDER))
    return {name: found[name] for name in order}


def reference_documents() -> dict[str, str]:
    """Reference name -> markdown, with `<!-- ecocompute:table NAME -->` markers rendered from data."""
    return {name: TABLE_MARKER.sub(lambda m: _marker_table(m.group(1)), text)
            for name, text in _reference_files().items()}


def reference_digest() -> dict[str, str]:
    """Reference name -> its "Key points" section: the part of each document the prompt carries."""
    digest = {}
    for name, text in _reference_files().items():
        match = KEY_POINTS.search(text)
        if match:
            digest[name] = match.group(1).strip()
    return digest


def _marker_table(name: str) -> str:
    tables = {"gpus": _gpu_table}
    if name not in tables:
        raise KeyError(f"Unknown table marker {name!r} in references; known: {sorted(tables)}")
    table = tables[name](load())
    return render("_table.md.j2", **table).strip()


def _engine_label(m: Measurement) -> str:
    return m.engine if not m.engine_version else f"{m.engine} {m.engine_version}"


def coverage(data: Dataset | None = None) -> list[dict[str, Any]]:
    """What the primary rows cover, per engine and version: GPUs, models, precisions, batch range."""
    rows = (data or load()).primary()
    out = []
    order = {key: i for i, key in enumerate(engine_keys())}
    labels = {_engine_label(m): m.engine for m in rows}
    for label in sorted(labels, key=lambda e: (order.get(labels[e], len(order)), e)):
        group = [m for m in rows if _engine_label(m) == label]
        batches = [m.batch_size for m in group if m.batch_size]
        out.append({
            "engine": label,
            "regime": engine(labels[label]).regime_label,
            "rows": len(group),
            "gpus": _gpu_counts(group),
            "models": sorted({m.model for m in group}),
            "precisions": sorted({m.precision for m in group}),
            "batch_min": min(batches) if batches else None,
            "batch_max": max(batches) if batches else None,
        })
    return out


def _gpu_counts(rows: list[Measurement]) -> list[str]:
    """Each GPU once, with its measured GPU counts when there is more than one: `h100 (1/2/4/8 GPUs)`."""
    counts: dict[str, set[int]] = {}
    for m in rows:
        counts.setdefault(m.gpu, set()).add(m.num_gpus)
    return [gpu if n == {1} else f"{gpu} ({'/'.join(map(str, sorted(n)))} GPUs)" for gpu, n in sorted(counts.items())]


def paradox_summary() -> list[dict[str, Any]]:
    """The headline claims as the evidence functions compute them from paired primary rows."""
    out = []
    for title, func in evidence.SUMMARY:
        ev = func()
        out.append({"title": title, "claim": ev.claim, "basis": ev.basis, "row_ids": ev.row_ids})
    return out


def system_prompt(*, with_tools: bool = True) -> str:
    """The assembled system prompt; without tools it embeds every data table (the prompt-only baseline)."""
    return render(
        "system.md.j2",
        with_tools=with_tools,
        protocols=PROTOCOLS,
        coverage=coverage(),
        evidence=paradox_summary(),
        digest=reference_digest(),
        data_tables=None if with_tools else data_tables_markdown(),
    )


TRANSFORMERS_COLUMNS = (
    ("Row", "row_id"), ("GPU", "gpu"), ("Model", "model"), ("Params (B)", "params_b"),
    ("Precision", "precision"), ("Batch", "batch_size"), ("New tokens", "max_new_tokens"),
    ("Throughput (tok/s)", "throughput_tok_s"), ("± std", "throughput_std"), ("Power (W)", "power_w"),
    ("Energy (J/1k tok)", "energy_j_per_1k_tok"), ("± std", "energy_std"), ("n", "n_runs"),
)
SERVING_COLUMNS = (
    ("Row", "row_id"), ("GPU", "gpu"), ("GPUs", "num_gpus"), ("Model", "model"),
    ("Precision", "precision"), ("max_num_seqs", "batch_size"), ("Achieved batch", "achieved_batch"),
    ("Output tokens", "max_new_tokens"), ("Throughput (tok/s)", "throughput_tok_s"),
    ("Power all GPUs (W)", "power_w"), ("Energy (J/1k tok)", "energy_j_per_1k_tok"),
    ("Energy (J/request)", "energy_j_per_request"), ("Median ITL (ms)", "median_itl_ms"),
    ("p99 ITL (ms)", "p99_itl_ms"),
)


def _experiment_group(rows: list[Measurement]) -> dict[str, Any]:
    first = rows[0]
    columns = SERVING_COLUMNS if engine(first.engine).serving else TRANSFORMERS_COLUMNS
    return {
        "experiment": first.experiment, "dataset": first.dataset, "engine": _engine_label(first),
        "regime": f"{_engine_label(first)}, {first.regime}", "energy_basis": first.energy_basis,
        "headers": [h for h, _ in columns],
        "rows": [[getattr(m, field) for _, field in columns] for m in rows],
    }


def _grouped(rows: Iterable[Measurement]) -> list[dict[str, Any]]:
    by_exp: dict[str, list[Measurement]] = {}
    for m in rows:
        by_exp.setdefault(m.experiment, []).append(m)
    return [_experiment_group(group) for group in by_exp.values()]


def _gpu_table(data: Dataset) -> dict[str, Any]:
    regimes: dict[str, set[str]] = {}
    for m in data.primary():
        regimes.setdefault(m.gpu, set()).add(_engine_label(m))
    keys = list(data.gpus) + sorted(set(regimes) - set(data.gpus))
    rows = []
    for key in keys:
        g = data.gpus.get(key)
        rows.append([key, g.name if g else key, g.architecture if g else None, g.vram_gb if g else None,
                     g.tdp_w if g else None, g.idle_w if g else None,
                     ", ".join(sorted(regimes.get(key, ()))) or "not measured"])
    headers = ["GPU", "Name", "Architecture", "VRAM (GB)", "TDP (W)", "Idle (W)", "Measured with"]
    return {"headers": headers, "rows": rows}


def _region_table(data: Dataset) -> dict[str, Any]:
    rows = [[r.key, r.label, r.grid_gco2_per_kwh, r.usd_per_kwh, r.source] for r in data.regions.values()]
    return {"headers": ["Region", "Label", "gCO2/kWh", "USD/kWh", "Source"], "rows": rows}


def data_tables_markdown() -> str:
    """Every primary measurement row, the GPU profiles and the regions, as markdown tables."""
    data = load()
    return render("data_tables.md.j2", groups=_grouped(data.primary()),
                  gpus=_gpu_table(data), regions=_region_table(data))
