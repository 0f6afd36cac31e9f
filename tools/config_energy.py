"""Energy of one configuration for `estimate_cost`: per 1k tokens from the rows (measured, interpolated
along a batch sweep of one experiment, or extrapolated by batch or by parameter count), and per request."""

from __future__ import annotations

import math

from ecocompute.tools.basis import r4
from ecocompute.tools.common import Basis, known, row_order
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.engines import default_engine
from ecocompute.tools.engines import engine as engine_entry
from ecocompute.tools.query import Query, primary_rows

DEFAULT_TOKENS = 256
# (J per 1k tokens, its range, basis, row ids, how it was obtained, other rows at the same batch)
Energy = tuple[float | None, tuple[float, float] | None, Basis, list[str], str, list[str]]



def pick_rows(q: Query, precision: str | None) -> tuple[str, str, list[Measurement]]:
    """(engine, precision, the primary rows of that engine and precision with an energy figure)."""
    rows = primary_rows(q.model_copy(update={"precision": None, "batch_size": None}))
    engine = q.engine or default_engine({m.engine for m in rows})
    rows = [m for m in rows if m.engine == engine]
    prec = precision or engine_entry(engine).baseline_precision
    return engine, prec, [m for m in rows if m.precision == prec and m.energy_j_per_1k_tok]


def energy(q: Query, engine: str, prec: str, bs: int, rows: list[Measurement]) -> Energy:
    """J per 1k tokens at batch `bs`: the measured row, else interpolated or extrapolated."""
    exact = sorted((m for m in rows if m.batch_size == bs), key=row_order)
    if exact:
        m = exact[0]
        others = [f"{o.row_id} ({o.experiment}): {o.energy_j_per_1k_tok} J/1k" for o in exact[1:]]
        how = f"mean of {len(m.runs)} runs {m.row_id} ({m.experiment})" if m.runs else f"measured row {m.row_id} ({m.experiment})"
        return m.energy_j_per_1k_tok, None, "derived" if m.runs else "measured", [m.row_id], how, others
    if rows:
        return _interpolate(rows, bs)
    return _by_size(q, engine, prec, bs)


def _interpolate(rows: list[Measurement], bs: int) -> Energy:
    best_exp = max({m.experiment for m in rows}, key=lambda e: sum(m.experiment == e for m in rows))
    sweep = sorted((m for m in rows if m.experiment == best_exp and m.batch_size), key=lambda m: known(m.batch_size))
    lower = [m for m in sweep if known(m.batch_size) < bs]
    upper = [m for m in sweep if known(m.batch_size) > bs]
    if lower and upper:
        a, b = lower[-1], upper[0]
        t = (math.log(bs) - math.log(known(a.batch_size))) / (math.log(known(b.batch_size)) - math.log(known(a.batch_size)))
        e = math.exp(math.log(known(a.energy_j_per_1k_tok)) * (1 - t) + math.log(known(b.energy_j_per_1k_tok)) * t)
        return (r4(e), (known(b.energy_j_per_1k_tok), known(a.energy_j_per_1k_tok)), "interpolated", [a.row_id, b.row_id],
                f"log-log interpolation between batch {a.batch_size} ({a.row_id}) and {b.batch_size} ({b.row_id})", [])
    near = lower[-1] if lower else upper[0]
    direction = "upper bound (larger batches use less energy per token)" if known(near.batch_size) < bs else "lower bound"
    return (near.energy_j_per_1k_tok, None, "extrapolated", [near.row_id],
            f"batch {bs} not measured; nearest measured batch {near.batch_size} ({near.row_id}) used as an {direction}", [])


def _by_size(q: Query, engine: str, prec: str, bs: int) -> Energy:
    size = q.model_params_b
    pool = [m for m in load().primary() if m.gpu == q.gpu and m.engine == engine and m.precision == prec
            and m.energy_j_per_1k_tok and m.params_b and m.num_gpus == 1]
    if size is None or not pool or not 0 < size < math.inf:
        return None, None, "unavailable", [], (f"no {engine} {prec} measurement on {q.gpu} to extrapolate from"), []
    anchor = min(sorted(pool, key=row_order), key=lambda m: (abs(math.log(known(m.params_b) / size)), abs((m.batch_size or 1) - bs)))
    e = known(anchor.energy_j_per_1k_tok) * size / known(anchor.params_b)
    return (r4(e), (known(r4(e / 2)), known(r4(e * 2))), "extrapolated", [anchor.row_id],
            f"not measured; scaled from {anchor.model} ({anchor.row_id}, {anchor.params_b:g}B, batch {anchor.batch_size}) by parameter count; range x0.5 to x2", [])


def per_request(e1k: float | None, basis: Basis, anchor: Measurement | None,
                tokens: float | None) -> tuple[float | None, Basis, float | None, float | None]:
    """Energy per request: a serving row's measured figure at its own mean output length unless the user gives
    tokens per request; then (and for eager rows) derived as energy per token x tokens, the measured one beside it.
    Returns (J per request, its basis, the tokens per request behind it, the row's measured J per request)."""
    measured = None
    if anchor is not None and basis == "measured" and engine_entry(anchor.engine).per_request_energy_measured:
        measured = anchor.energy_j_per_request
    if anchor is not None and measured is not None and tokens is None:
        return measured, "measured", anchor.max_new_tokens, measured
    used = tokens if tokens is not None else DEFAULT_TOKENS
    if e1k is None:
        return None, "unavailable", used, measured
    return e1k * used / 1000, ("derived" if basis == "measured" else basis), used, measured
