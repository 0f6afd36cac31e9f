"""`estimate_cost`: monthly kWh, cost and CO2 for a configuration and volume, current vs optimised.

energy per request (J) = energy per 1k tokens x tokens per request / 1000
kWh per month          = energy per request x requests per month x PUE / 3.6e6
cost per month         = kWh x USD per kWh;  kg CO2 per month = kWh x g CO2 per kWh / 1000
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ecocompute.tools import volume as vol
from ecocompute.tools.common import Basis, pct_change, row_order
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.locations import GridBasis, GridUsed, resolve_location
from ecocompute.tools.names import precision_key
from ecocompute.tools.query import Query, primary_rows, resolve
from ecocompute.tools.recommend import UseCase, recommend_config

Deployment = Literal["cloud", "on_premises"]
# The original skill's PUE defaults (references/data/grid_and_prices.csv, row "US (skill default)").
DEFAULT_PUE = {"cloud": 1.1, "on_premises": 1.0}
DEFAULT_TOKENS = 256
FORMULA = ("energy_per_request_J = energy_J_per_1k_tok x tokens_per_request / 1000; "
           "kWh_month = energy_per_request_J x requests_per_month x PUE / 3.6e6; "
           "cost = kWh_month x usd_per_kwh; kgCO2 = kWh_month x grid_gco2_per_kwh / 1000")


class ConfigEstimate(BaseModel):
    """The monthly figures for one configuration."""

    gpu: str
    model: str | None
    precision: str | None
    batch_size: int | None
    engine: str
    engine_version: str | None = None
    regime: str | None = None
    basis: Basis
    row_ids: list[str]
    how: str
    energy_j_per_1k_tok: float | None
    energy_j_per_1k_tok_range: tuple[float, float] | None = None
    energy_j_per_request: float | None
    kwh_per_month: float | None
    cost_usd_per_month: float | None
    kg_co2_per_month: float | None
    other_measurements: list[str] = []
    kwh_per_day: float | None = None
    kwh_per_year: float | None = None
    cost_usd_per_day: float | None = None
    cost_usd_per_year: float | None = None
    kg_co2_per_day: float | None = None
    kg_co2_per_year: float | None = None
    g_co2_per_request: float | None = None
    kwh_total: float | None = None
    cost_usd_total: float | None = None
    kg_co2_total: float | None = None


class Savings(BaseModel):
    kwh_per_month: float
    cost_usd_per_month: float | None
    kg_co2_per_month: float | None
    pct: float | None
    comparable: bool
    note: str


class EstimateResult(BaseModel):
    """ESTIMATE: monthly energy, cost and carbon, current vs the recommended configuration."""

    inputs: dict[str, str | float | int | None]
    formula: str
    current: ConfigEstimate
    optimised: ConfigEstimate | None
    savings: Savings | None
    location: GridUsed
    assumptions: list[str]
    warnings: list[str]


LOCATION_HELP = ("Where the power is used: country name or ISO code ('Germany', 'DE', 'DEU', '德国'), cloud region "
                 "('gcp:europe-west4'), 'World', or 'eu'; null = the US default")
BASIS_HELP = "Country intensity basis: codecarbon (grid_gco2_per_kwh) or ecologits; null = codecarbon; never mixed"


def estimate_cost(
    gpu: Annotated[str, Field(description="GPU, e.g. 'rtx4090d', 'a800', 'h100'")],
    model: Annotated[str, Field(description="Model or HF id")],
    precision: Annotated[str | None, Field(description="null = fp16 (bf16 on vLLM)")] = None,
    batch_size: Annotated[int | None, Field(ge=1, le=100000, description="max_num_seqs on vLLM; null = smallest measured")] = None,
    requests_per_month: Annotated[float | None, Field(gt=0, le=1e12, description="Give this or requests_per_day")] = None,
    requests_per_day: Annotated[float | None, Field(gt=0, le=1e12, description="x 30 per month")] = None,
    requests_per_year: Annotated[float | None, Field(gt=0, le=1e13, description="/ 12 per month")] = None,
    requests_total: Annotated[float | None, Field(gt=0, le=1e13, description="A one-off job: totals, not monthly")] = None,
    tokens_per_day: Annotated[float | None, Field(gt=0, le=1e16, description="Generated tokens per day")] = None,
    tokens_per_month: Annotated[float | None, Field(gt=0, le=1e16, description="Generated tokens per month")] = None,
    tokens_per_year: Annotated[float | None, Field(gt=0, le=1e17, description="Generated tokens per year")] = None,
    tokens_total: Annotated[float | None, Field(gt=0, le=1e17, description="Generated tokens of a one-off job")] = None,
    tokens_per_request: Annotated[float | None, Field(gt=0, le=1e6, description="Output tokens per request; null = 256")] = None,
    region: Annotated[str | None, Field(description=LOCATION_HELP)] = None,
    grid_basis: Annotated[GridBasis | None, Field(description=BASIS_HELP)] = None,
    usd_per_kwh: Annotated[float | None, Field(ge=0, le=100, description="Price override")] = None,
    grid_gco2_per_kwh: Annotated[float | None, Field(ge=0, le=5000, description="Grid intensity override")] = None,
    pue: Annotated[float | None, Field(ge=1, le=5, description="null = deployment default")] = None,
    deployment: Annotated[Deployment, Field(description="Sets the PUE default")] = "cloud",
    use_case: Annotated[UseCase, Field(description="For the optimised configuration")] = "api",
    engine: Annotated[str | None, Field(description="transformers or vllm; null = transformers if measured")] = None,
    target_precision: Annotated[str | None, Field(description="Compare with this precision instead of the recommendation")] = None,
    target_batch_size: Annotated[int | None, Field(ge=1, le=100000, description="Compare with this batch size instead")] = None,
) -> EstimateResult:
    """ESTIMATE monthly kWh, USD and kg CO2 for a request volume, with formula and inputs, plus the recommended configuration's figures and the savings."""
    assumed_tokens = tokens_per_request is None
    tokens_per_request = DEFAULT_TOKENS if assumed_tokens else tokens_per_request
    volumes = {"requests_per_month": requests_per_month, "requests_per_day": requests_per_day, "requests_per_year": requests_per_year,
               "requests_total": requests_total, "tokens_per_day": tokens_per_day, "tokens_per_month": tokens_per_month,
               "tokens_per_year": tokens_per_year, "tokens_total": tokens_total}
    monthly, one_off = vol.monthly_requests(volumes, tokens_per_request)
    q = resolve(gpu, model, precision, None, engine)
    place = resolve_location(region, grid_basis, grid_gco2_per_kwh, usd_per_kwh)
    price, grid = place.usd_per_kwh, place.grid_gco2_per_kwh
    factor = pue if pue is not None else DEFAULT_PUE[deployment]
    inputs = {"gpu": q.gpu, "model": q.model or model, "precision": precision, "batch_size": batch_size,
              "requests_per_month": None if one_off else monthly, "requests_per_day": requests_per_day, "tokens_per_request": tokens_per_request,
              **{k: v for k, v in volumes.items() if v is not None and k not in ("requests_per_month", "requests_per_day")},
              "period": "total" if one_off else "month",
              "region": region, "grid_basis": grid_basis, "usd_per_kwh": price, "grid_gco2_per_kwh": grid, "pue": factor,
              "deployment": deployment, "price_source": place.price_source, "grid_source": place.grid_source}
    assumptions, warnings = _assumptions(precision, batch_size, assumed_tokens, place, pue, deployment)
    if price is None:
        warnings.append(f"No electricity price for {place.name} in the data, so no cost: the cost needs a price, "
                        "give usd_per_kwh.")
    if grid is None:
        warnings.append(f"No grid intensity for {place.name} in the data; give grid_gco2_per_kwh for CO2.")
    args = (monthly, tokens_per_request, price, grid, factor)
    current = _estimate(q, q.precision, batch_size, *args)
    target = (target_precision, target_batch_size) if target_precision or target_batch_size else None
    optimised, savings = _optimised(q, use_case, current, args, warnings, target)
    current, optimised = (_with_periods(c, one_off, factor, grid) if c else None for c in (current, optimised))
    return EstimateResult(inputs=inputs, formula=FORMULA + "; " + vol.FORMULA, current=current, optimised=optimised, savings=savings,
                          location=place, assumptions=assumptions, warnings=warnings)


def _with_periods(c: ConfigEstimate, one_off: bool, pue: float, grid: float | None) -> ConfigEstimate:
    """The monthly figures also per day, per year and per request; a one-off job's as totals instead."""
    extra = vol.periods(c.model_dump(), one_off, pue, grid)
    if one_off:
        extra.update(kwh_per_month=None, cost_usd_per_month=None, kg_co2_per_month=None)
    return c.model_copy(update=extra)


def _assumptions(precision: str | None, batch_size: int | None, assumed_tokens: bool, place: GridUsed,
                 pue: float | None, deployment: str) -> tuple[list[str], list[str]]:
    out = []
    if precision is None:
        out.append("Precision not given: FP16 assumed (BF16 for vLLM rows).")
    if batch_size is None:
        out.append("Batch size not given: batch 1 assumed (the smallest measured max_num_seqs for vLLM).")
    if assumed_tokens:
        out.append(f"{DEFAULT_TOKENS} generated tokens per request (default).")
    if pue is None:
        out.append(f"PUE default for {deployment}.")
    if place.kind == "default":
        out.append(f"No location given: {place.statement}")
    return out, []


def _pick_rows(q: Query, precision: str | None, batch: int | None) -> tuple[str, str | None, list[Measurement]]:
    rows = primary_rows(q.model_copy(update={"precision": None, "batch_size": None}))
    engine = q.engine or ("transformers" if any(m.engine == "transformers" for m in rows) or not rows else "vllm")
    rows = [m for m in rows if m.engine == engine]
    prec = precision or ("fp16" if engine == "transformers" else "bf16")
    return engine, prec, [m for m in rows if m.precision == prec and m.energy_j_per_1k_tok]


def _estimate(q: Query, precision: str | None, batch: int | None, monthly: float, tokens: float,
              price: float | None, grid: float | None, pue: float) -> ConfigEstimate:
    engine, prec, rows = _pick_rows(q, precision, batch)
    bs = batch or min((m.batch_size or 1 for m in rows), default=1)
    e1k, rng, basis, ids, how, others = _energy(q, engine, prec, bs, rows)
    anchor = load().row(ids[0]) if ids else None
    per_req = e1k * tokens / 1000 if e1k is not None else None
    kwh = per_req * monthly * pue / 3.6e6 if per_req is not None else None
    return ConfigEstimate(
        gpu=q.gpu, model=q.model or q.model_given, precision=prec, batch_size=bs, engine=engine,
        engine_version=anchor.engine_version if anchor else None, regime=anchor.regime if anchor else None, basis=basis, row_ids=ids,
        how=how, energy_j_per_1k_tok=e1k, energy_j_per_1k_tok_range=rng, energy_j_per_request=_r(per_req),
        kwh_per_month=_r(kwh), cost_usd_per_month=_r(kwh * price) if kwh is not None and price is not None else None,
        kg_co2_per_month=_r(kwh * grid / 1000) if kwh is not None and grid is not None else None, other_measurements=others,
    )


def _r(x: float | None) -> float | None:
    return None if x is None else float(f"{x:.4g}")


def _energy(q: Query, engine: str, prec: str, bs: int, rows: list[Measurement]):
    exact = sorted((m for m in rows if m.batch_size == bs), key=row_order)
    if exact:
        m = exact[0]
        others = [f"{o.row_id} ({o.experiment}): {o.energy_j_per_1k_tok} J/1k" for o in exact[1:]]
        how = f"mean of {len(m.runs)} runs {m.row_id} ({m.experiment})" if m.runs else f"measured row {m.row_id} ({m.experiment})"
        return m.energy_j_per_1k_tok, None, "derived" if m.runs else "measured", [m.row_id], how, others
    if rows:
        return _interpolate(rows, bs)
    return _by_size(q, engine, prec, bs)


def _interpolate(rows: list[Measurement], bs: int):
    best_exp = max({m.experiment for m in rows}, key=lambda e: sum(m.experiment == e for m in rows))
    sweep = sorted((m for m in rows if m.experiment == best_exp and m.batch_size), key=lambda m: m.batch_size)
    lower = [m for m in sweep if m.batch_size < bs]
    upper = [m for m in sweep if m.batch_size > bs]
    if lower and upper:
        a, b = lower[-1], upper[0]
        t = (math.log(bs) - math.log(a.batch_size)) / (math.log(b.batch_size) - math.log(a.batch_size))
        e = math.exp(math.log(a.energy_j_per_1k_tok) * (1 - t) + math.log(b.energy_j_per_1k_tok) * t)
        return (_r(e), (b.energy_j_per_1k_tok, a.energy_j_per_1k_tok), "interpolated", [a.row_id, b.row_id],
                f"log-log interpolation between batch {a.batch_size} ({a.row_id}) and {b.batch_size} ({b.row_id})", [])
    near = lower[-1] if lower else upper[0]
    direction = "upper bound (larger batches use less energy per token)" if near.batch_size < bs else "lower bound"
    return (near.energy_j_per_1k_tok, None, "extrapolated", [near.row_id],
            f"batch {bs} not measured; nearest measured batch {near.batch_size} ({near.row_id}) used as an {direction}", [])


def _by_size(q: Query, engine: str, prec: str, bs: int):
    size = q.model_params_b
    pool = [m for m in load().primary() if m.gpu == q.gpu and m.engine == engine and m.precision == prec
            and m.energy_j_per_1k_tok and m.params_b and m.num_gpus == 1]
    if size is None or not pool or not 0 < size < math.inf:
        return None, None, "unavailable", [], (f"no {engine} {prec} measurement on {q.gpu} to extrapolate from"), []
    anchor = min(sorted(pool, key=row_order), key=lambda m: (abs(math.log(m.params_b / size)), abs((m.batch_size or 1) - bs)))
    e = anchor.energy_j_per_1k_tok * size / anchor.params_b
    return (_r(e), (_r(e / 2), _r(e * 2)), "extrapolated", [anchor.row_id],
            f"not measured; scaled from {anchor.model} ({anchor.row_id}, {anchor.params_b:g}B, batch {anchor.batch_size}) by parameter count; range x0.5 to x2", [])


def _optimised(q: Query, use_case: UseCase, current: ConfigEstimate, args: tuple, warnings: list[str],
               target: tuple[str | None, int | None] | None = None):
    """The recommended configuration (or the user's named target) and the saving against the current one."""
    if target is not None:
        precision = precision_key(target[0]) if target[0] else current.precision
        opt = _estimate(q, precision, target[1] or current.batch_size, *args)
        return opt, _savings(current, opt, warnings)
    try:
        rec = recommend_config(gpu=q.gpu, model=q.model or q.model_given, use_case=use_case, engine=current.engine)
    except ToolInputError as exc:
        warnings.append(f"No optimised configuration: {exc.message}")
        return None, None
    if rec.precision is None:
        warnings.append("No optimised configuration: " + "; ".join(rec.warnings[:1]))
        return None, None
    opt = _estimate(q, rec.precision, rec.batch_size, *args)
    return opt, _savings(current, opt, warnings)


def _savings(current: ConfigEstimate, opt: ConfigEstimate, warnings: list[str]) -> Savings | None:
    if current.kwh_per_month is None or opt.kwh_per_month is None:
        return None
    if opt.kwh_per_month >= current.kwh_per_month:
        warnings.append(f"The compared configuration ({opt.precision}, batch {opt.batch_size}, {opt.basis}) shows no saving "
                        "over the current one in the data; keep the current configuration or measure both.")
        return None
    both_measured = current.basis == opt.basis == "measured"
    same = both_measured and load().row(current.row_ids[0]).experiment == load().row(opt.row_ids[0]).experiment
    kwh = _r(current.kwh_per_month - opt.kwh_per_month)
    sav = Savings(
        kwh_per_month=kwh,
        cost_usd_per_month=_r(current.cost_usd_per_month - opt.cost_usd_per_month) if current.cost_usd_per_month is not None and opt.cost_usd_per_month is not None else None,
        kg_co2_per_month=_r(current.kg_co2_per_month - opt.kg_co2_per_month) if current.kg_co2_per_month is not None and opt.kg_co2_per_month is not None else None,
        pct=pct_change(opt.kwh_per_month, current.kwh_per_month) if same else None, comparable=same,
        note=("both rows from one experiment" if same else
              f"current is {current.basis}, optimised is {opt.basis}" + ("" if both_measured else "") + "; the difference is indicative, not a measured saving"),
    )
    return sav
