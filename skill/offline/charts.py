"""Bar charts of the tool results in a transcript: unicode bars for the terminal and a small SVG.

The series are read from tool results only (precision tables, GPU groups, batch-size sweeps), so a
chart never shows a number the tools did not return. Works for any provider's transcript.
"""

from __future__ import annotations

from html import escape

from pydantic import BaseModel

from ecocompute.messages import Transcript
from ecocompute.registry import parse_result
from ecocompute.tools.common import RowView
from ecocompute.tools.compare import CompareResult
from ecocompute.tools.compare_gpus import CompareGpusResult
from ecocompute.tools.engines import engine
from ecocompute.tools.lookup import LookupResult
from ecocompute.tools.recommend import RecommendResult

BAR_WIDTH = 36
MAX_SERIES = 4


class Series(BaseModel):
    """One chart: a title, a unit and labelled values."""

    title: str
    unit: str
    points: list[tuple[str, float]]


def series(transcript: Transcript) -> list[Series]:
    """Energy-per-token series found in the transcript's successful tool results (read as typed results)."""
    out: list[Series] = []
    for run in transcript.tool_runs:
        if run.result.is_error:
            continue
        result = parse_result(run.call.name, run.result.content)
        if isinstance(result, CompareResult):
            out += _precisions(result)
        elif isinstance(result, CompareGpusResult):
            out += _gpus(result)
        elif isinstance(result, LookupResult):
            out += _sweeps(result)
        elif isinstance(result, RecommendResult):
            out += _serving(result)
    return [s for s in out if len(s.points) >= 2][:MAX_SERIES]


def _precisions(data: CompareResult) -> list[Series]:
    out = []
    for t in data.tables:
        pts = [(r.precision, r.measured.energy_j_per_1k_tok) for r in t.rows
               if r.measured is not None and r.measured.energy_j_per_1k_tok is not None]
        out.append(Series(title=f"{data.model} on {data.gpu}, batch {data.batch_size} ({t.experiment})",
                          unit="J per 1k tokens", points=pts))
    return out


def _gpus(data: CompareGpusResult) -> list[Series]:
    out = []
    for g in data.groups[:MAX_SERIES]:
        pts = [(f"{e.row.gpu} x{e.row.num_gpus}", e.row.energy_j_per_1k_tok) for e in g.entries
               if e.row.energy_j_per_1k_tok is not None]
        out.append(Series(title=f"{data.model}, {g.engine} {g.engine_version or ''} {g.precision} batch {g.batch_size}",
                          unit="J per 1k tokens", points=pts))
    return out


def _sweeps(data: LookupResult) -> list[Series]:
    groups: dict[tuple[str, str, str, int], list[RowView]] = {}
    for r in data.rows:
        if r.batch_size and r.energy_j_per_1k_tok is not None:
            groups.setdefault((r.experiment, r.gpu, r.precision, r.num_gpus), []).append(r)
    out = []
    for (exp, gpu, prec, _), rows in groups.items():
        rows = sorted(rows, key=lambda r: r.batch_size or 0)
        word = engine(rows[0].engine).batch_word
        out.append(Series(title=f"{rows[0].model} on {gpu}, {prec}, by {word} ({exp})", unit="J per 1k tokens",
                          points=[(f"{word} {r.batch_size}", r.energy_j_per_1k_tok) for r in rows
                                  if r.energy_j_per_1k_tok is not None]))
    return sorted(out, key=lambda s: -len(s.points))


def _serving(data: RecommendResult) -> list[Series]:
    choice = data.serving
    if choice is None or choice.chosen is None:
        return []
    rows = sorted([*choice.neighbours, choice.chosen], key=lambda r: r.batch_size or 0)
    word = engine(data.engine).batch_word
    return [Series(title=f"{data.model} on {data.gpu}: energy around the chosen {word}", unit="J per 1k tokens",
                   points=[(f"{word} {r.batch_size}", r.energy_j_per_1k_tok) for r in rows if r.energy_j_per_1k_tok])]


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def text_bars(s: Series) -> str:
    """A unicode bar chart of one series."""
    top = max(v for _, v in s.points) or 1.0
    width = max(len(label) for label, _ in s.points)
    lines = [f"{s.title} ({s.unit})"]
    for label, value in s.points:
        bar = "█" * max(1, round(value / top * BAR_WIDTH))
        lines.append(f"  {label.ljust(width)} {bar} {_fmt(value)}")
    return "\n".join(lines)


def svg(all_series: list[Series]) -> str:
    """A self-contained SVG with one horizontal bar chart per series."""
    row_h, left, bar_w, width = 22, 190, 420, 720
    parts, y = [], 20
    for s in all_series:
        top = max(v for _, v in s.points) or 1.0
        parts.append(f'<text x="10" y="{y}" font-weight="bold">{escape(s.title)} ({escape(s.unit)})</text>')
        y += 12
        for label, value in s.points:
            w = max(1.0, value / top * bar_w)
            parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
                         f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="#2e7d32"/>'
                         f'<text x="{left + w + 6:.1f}" y="{y + 15}">{escape(_fmt(value))}</text>')
            y += row_h
        y += 24
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" font-family="sans-serif" font-size="12">'
            f'<rect width="100%" height="100%" fill="white"/>{"".join(parts)}</svg>\n')
