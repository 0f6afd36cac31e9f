"""Labels shared by the offline answers: precision names, figures, regimes and protocol headings.

Like every view, these only select and label values from tool results; they never compute a number.
"""

from __future__ import annotations

from typing import Any

from ecocompute import protocols
from ecocompute.i18n import tr
from ecocompute.tools.engines import engine as engine_of

PRECISION_LABEL = {"fp16": "FP16", "bf16": "BF16", "fp8": "FP8", "fp32": "FP32", "nf4": "NF4", "nf4_dq": "NF4 + double quant",
                   "int8_default": "INT8 default (load_in_8bit=True, default threshold)",
                   "int8_pure": "INT8 with llm_int8_threshold=0.0", "int8_unspecified": "INT8 (threshold not stated)"}


def heading(section: protocols.Section, title: str | None = None) -> str:
    """A section's markdown heading from the protocols table, translated (`title` replaces the text)."""
    return f"{'#' * section.level} {title or tr(section.heading)}"


def compare_headings() -> tuple[protocols.Section, ...]:
    """COMPARE's sections (comparison, recommendation, paradox warnings) for the answers written here."""
    return protocols.get("COMPARE").sections


def label(precision: str | None) -> str:
    """The precision as readers know it ("INT8 default (load_in_8bit=True, default threshold)"); `not set` for None."""
    return PRECISION_LABEL.get(precision or "", precision or "not set")


def figure(label_: str, value: Any, unit: str, basis: str, tool: str, rows: list[str]) -> dict[str, Any]:
    """A figure for the templates' `m.figures` macro: a labelled value with its unit, basis, tool and rows."""
    return {"label": label_, "value": value, "unit": unit, "basis": basis, "tool": tool, "rows": rows}


def regime(row: dict[str, Any] | None, engine: str = "transformers") -> str:
    """Where a row was measured: engine (and version), regime and GPU count; `engine` when there is no row."""
    if not row:
        return engine
    eng = row["engine"] + (f" {row['engine_version']}" if row.get("engine_version") else "")
    gpus = f", {row['num_gpus']} GPUs" if row.get("num_gpus", 1) > 1 else ""
    return f"{eng}, {row['regime'].replace('_', ' ')}{gpus}"


def row_figures(row: dict[str, Any], tool: str, prefix: str = "") -> list[dict[str, Any]]:
    """A measured row's energy, throughput and power (and latencies when served) as figures, None values left out."""
    ids = [row["row_id"]]
    serving = engine_of(row["engine"]).serving
    out = [figure(f"{prefix}Energy per 1k generated tokens", row["energy_j_per_1k_tok"], "J", row["basis"], tool, ids),
           figure(f"{prefix}Throughput", row["throughput_tok_s"], "tok/s", row["basis"], tool, ids),
           figure(f"{prefix}Power" + (" (all GPUs)" if serving else ""), row["power_w"], "W", row["basis"], tool, ids)]
    if serving:
        out += [figure(f"{prefix}Median inter-token latency", row.get("median_itl_ms"), "ms", row["basis"], tool, ids),
                figure(f"{prefix}p99 inter-token latency", row.get("p99_itl_ms"), "ms", row["basis"], tool, ids)]
    return [f for f in out if f["value"] is not None]


def tail_markdown(tail: dict[str, Any]) -> str:
    """The assumptions line and the footer, for answers written without a template."""
    out = ""
    if tail["assumptions"]:
        out += "\n" + tr("**Assumptions:**") + " " + "; ".join(tail["assumptions"]) + ".\n"
    return out + "\n---\n" + tail["footer"] + "\n"
