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
from ecocompute.tools.common import Basis, comparable, known, pct_change, row_order, unit
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.engines import default_engine
from ecocompute.tools.engines import engine as engine_entry
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.locations import GridBasis, GridUsed, resolve_location
from ecocompute.tools.names import precision_key
from ecocompute.tools.query import Query, primary_rows, resolve
from ecocompute.tools.recommend import UseCase, recommend

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
    energy_j_per_1k_tok: float | None = unit('J/1k tok')
    energy_j_per_1k_tok_range: tuple[float, float] | None = None
    energy_j_per_request: float | None = unit('J')
    energy_j_per_request_basis: Basis = "derived"
    tokens_per_request: float | None = Field(default=None, description="output tokens per request behind energy_j_per_request")
    measured_energy_j_per_request: float | None = unit("J", "the row's measured energy per request at its own mean output length", None)
    median_itl_ms: float | None = unit("ms", "measured median inter-token latency (serving rows)", None)
    p99_itl_ms: float | None = unit("ms", "measured p99 inter-token latency (serving rows)", None)
    kwh_per_month: float | None = unit('kWh/month')
    cost_usd_per_month: float | None = unit('USD/month')
    kg_co2_per_month: float | None = unit('kg CO2/month')
    other_measurements: list[str] = []
    kwh_per_day: float | None = unit('kWh/day', "", None)
    kwh_per_year: float | None = unit('kWh/year', "", None)
    cost_usd_per_day: float | None = unit('USD/day', "", None)
    cost_usd_per_year: float | None = unit('USD/year', "", None)
    kg_co2_per_day: float | None = unit('kg CO2/day', "", None)
    kg_co2_per_year: float | None = unit('kg CO2/year', "", None)
    g_co2_per_request: float | None = unit('g CO2', "", None)
    kwh_total: float | None = unit('kWh', "a one-off job's total", None)
    cost_usd_total: float | None = unit('USD', "a one-off job's total", None)
    kg_co2_total: float | None = unit('kg CO2', "a one-off job's total", None)


class Savings(BaseModel):
    """current minus optimised, only between comparable measured rows."""

    kwh_per_month: float = unit("kWh/month")
    cost_usd_per_month: float | None = unit("USD/month")
    kg_co2_per_month: float | None = unit("kg CO2/month")
    pct: float | None = unit("%")
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
    requests_per_month: Annotated[float | None, Field(gt=0, le=1e12, description="Give exactly one volume argument")] = None,
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
    monthly, one_off = vol.monthly_requests(volumes, known(tokens_per_request))
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
    by_tokens = vol.counted_in_tokens(volumes)
    assumptions, warnings = _assumptions(precision, batch_size, assumed_tokens, by_tokens, place, pue, deployment)
    if price is None:
        warnings.append(f"No electricity price for {place.name} in the data, so no cost: the cost needs a price, "
                        "give usd_per_kwh.")
    if grid is None:
        warnings.append(f"No grid intensity for {place.name} in the data; give grid_gco2_per_kwh for CO2.")
    # A token volume fixes the energy (tokens x energy per token); tokens per request then only counts requests,
    # so a serving row's measured per-request energy (at its own output length) must not be used.
    args = (monthly, None if assumed_tokens and not by_tokens else tokens_per_request, price, grid, factor)
    current = _estimate(q, q.precision, batch_size, *args)
    assumptions = _token_note(assumptions, current)
    optimised, savings = _optimised(q, use_case, current, args, warnings, _target(target_precision, target_batch_size))
    current = _with_periods(current, one_off, factor, grid)
    optimised = optimised and _with_periods(optimised, one_off, factor, grid)
    return EstimateResult(inputs=inputs, formula=FORMULA + "; " + vol.FORMULA, current=current, optimised=optimised, savings=savings,
                          location=place, assumptions=assumptions, warnings=warnings)


def _target(precision: str | None, batch_size: int | None) -> tuple[str | None, int | None] | None:
    """The configuration the user named to compare with, or None to compare with the recommendation."""
    return (precision, batch_size) if precision or batch_size else None


def _with_periods(c: ConfigEstimate, one_off: bool, pue: float, grid: float | None) -> ConfigEstimate:
    """The monthly figures also per day, per year and per request; a one-off job's as totals instead."""
    extra = vol.periods(c.model_dump(), one_off, pue, grid)
    if one_off:
        extra.update(kwh_per_month=None, cost_usd_per_month=None, kg_co2_per_month=None)
    return c.model_copy(update=extra)


def _assumptions(precision: str | None, batch_size: int | None, assumed_tokens: bool, by_tokens: bool, place: GridUsed,
                 pue: float | None, deployment: str) -> tuple[list[str], list[str]]:
    out = []
    if precision is None:
        out.append("Precision not given: FP16 assumed (BF16 for vLLM rows).")
    if batch_size is None:
        out.append("Batch size not given: batch 1 assumed (the smallest measured max_num_seqs for vLLM).")
    if assumed_tokens:
        out.append(f"{DEFAULT_TOKENS} generated tokens per request (default)"
                   + ("; it only counts requests: the energy follows the stated token volume." if by_tokens else "."))
    if pue is None:
        out.append(f"PUE default for {deployment}.")
    if place.kind == "default":
        out.append(f"No location given: {place.statement}")
    return out, []


def _pick_rows(q: Query, precision: str | None, batch: int | None) -> tuple[str, str, list[Measurement]]:
    rows = primary_rows(q.model_copy(update={"precision": None, "batch_size": None}))
    engine = q.engine or default_engine({m.engine for m in rows})
    rows = [m for m in rows if m.engine == engine]
    prec = precision or engine_entry(engine).baseline_precision
    return engine, prec, [m for m in rows if m.precision == prec and m.energy_j_per_1k_tok]


def _estimate(q: Query, precision: str | None, batch: int | None, monthly: float, tokens: float | None,
              price: float | None, grid: float | None, pue: float) -> ConfigEstimate:
    engine, prec, rows = _pick_rows(q, precision, batch)
    bs = batch or min((m.batch_size or 1 for m in rows), default=1)
    e1k, rng, basis, ids, how, others = _energy(q, engine, prec, bs, rows)
    anchor = load().row(ids[0]) if ids else None
    per_req, req_basis, used_tokens, measured_req = _per_request(e1k, basis, anchor, tokens)
    kwh = per_req * monthly * pue / 3.6e6 if per_req is not None else None
    return ConfigEstimate(
        gpu=known(q.gpu), model=q.model or q.model_given, precision=prec, batch_size=bs, engine=engine,
        engine_version=anchor.engine_version if anchor else None, regime=anchor.regime if anchor else None, basis=basis, row_ids=ids,
        how=how, energy_j_per_1k_tok=e1k, energy_j_per_1k_tok_range=rng, energy_j_per_request=_r(per_req),
        energy_j_per_request_basis=req_basis, tokens_per_request=used_tokens, measured_energy_j_per_request=measured_req,
        median_itl_ms=anchor.median_itl_ms if anchor and basis == "measured" else None,
        p99_itl_ms=anchor.p99_itl_ms if anchor and basis == "measured" else None,
        kwh_per_month=_r(kwh), cost_usd_per_month=_r(kwh * price) if kwh is not None and price is not None else None,
        kg_co2_per_month=_r(kwh * grid / 1000) if kwh is not None and grid is not None else None, other_measurements=others,
    )


def _per_request(e1k: float | None, basis: Basis, anchor: Measurement | None,
                 tokens: float | None) -> tuple[float | None, Basis, float | None, float | None]:
    """Energy per request: a serving row's measured figure at its own mean output length unless the user gives
    tokens per request; then (and for eager rows) derived as energy per token x tokens, the measured one beside it."""
    measured = None
    if anchor is not None and basis == "measured" and engine_entry(anchor.engine).per_request_energy_measured:
        measured = anchor.energy_j_per_request
    if anchor is not None and measured is not None and tokens is None:
        return measured, "measured", anchor.max_new_tokens, measured
    used = tokens if tokens is not None else DEFAULT_TOKENS
    if e1k is None:
        return None, "unavailable", used, measured
    return e1k * used / 1000, ("derived" if basis == "measured" else basis), used, measured


def _token_note(assumptions: list[str], current: ConfigEstimate) -> list[str]:
    """A serving row's measured energy per request replaces the default tokens-per-request assumption."""
    if current.energy_j_per_request_basis != "measured":
        return assumptions
    note = (f"Energy per request is the row's measured figure at its mean output length ({current.tokens_per_request:g} "
            "tokens per request); give tokens_per_request to derive it for another length.")
    return [note if a.startswith(f"{DEFAULT_TOKENS} generated tokens") else a for a in assumptions]


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
    sweep = sorted((m for m in rows if m.experiment == best_exp and m.batch_size), key=lambda m: known(m.batch_size))
    lower = [m for m in sweep if known(m.batch_size) < bs]
    upper = [m for m in sweep if known(m.batch_size) > bs]
    if lower and upper:
        a, b = lower[-1], upper[0]
        t = (math.log(bs) - math.log(known(a.batch_size))) / (math.log(known(b.batch_size)) - math.log(known(a.batch_size)))
        e = math.exp(math.log(known(a.energy_j_per_1k_tok)) * (1 - t) + math.log(known(b.energy_j_per_1k_tok)) * t)
        return (_r(e), (b.energy_j_per_1k_tok, a.energy_j_per_1k_tok), "interpolated", [a.row_id, b.row_id],
                f"log-log interpolation between batch {a.batch_size} ({a.row_id}) and {b.batch_size} ({b.row_id})", [])
    near = lower[-1] if lower else upper[0]
    direction = "upper bound (larger batches use less energy per token)" if known(near.batch_size) < bs else "lower bound"
    return (near.energy_j_per_1k_tok, None, "extrapolated", [near.row_id],
            f"batch {bs} not measured; nearest measured batch {near.batch_size} ({near.row_id}) used as an {direction}", [])


def _by_size(q: Query, engine: str, prec: str, bs: int):
    size = q.model_params_b
    pool = [m for m in load().primary() if m.gpu == q.gpu and m.engine == engine and m.precision == prec
            and m.energy_j_per_1k_tok and m.params_b and m.num_gpus == 1]
    if size is None or not pool or not 0 < size < math.inf:
        return None, None, "unavailable", [], (f"no {engine} {prec} measurement on {q.gpu} to extrapolate from"), []
    anchor = min(sorted(pool, key=row_order), key=lambda m: (abs(math.log(known(m.params_b) / size)), abs((m.batch_size or 1) - bs)))
    e = known(anchor.energy_j_per_1k_tok) * size / known(anchor.params_b)
    return (_r(e), (_r(e / 2), _r(e * 2)), "extrapolated", [anchor.row_id],
            f"not measured; scaled from {anchor.model} ({anchor.row_id}, {anchor.params_b:g}B, batch {anchor.batch_size}) by parameter count; range x0.5 to x2", [])


def _optimised(q: Query, use_case: UseCase, current: ConfigEstimate, args: tuple, warnings: list[str],
               target: tuple[str | None, int | None] | None = None):
    """The recommended configuration priced like the current one (same requests and tokens per request),
    chosen within the current row's experiment when one of its rows qualifies; a saving only within one
    experiment, engine and energy basis, between measured rows."""
    monthly, tokens, *rest = args
    priced = (monthly, tokens if tokens is not None else current.tokens_per_request, *rest)
    if target is not None:  # the switch the user named, instead of the recommendation
        precision = precision_key(target[0]) if target[0] else current.precision
        opt = _estimate(q, precision, target[1] or current.batch_size, *priced)
        return opt, _saving(current, opt, warnings)
    rec = _recommended(q, use_case, current, warnings)
    if rec is None:
        return None, None
    opt = _estimate(q, rec.precision, rec.batch_size, *priced)
    return opt, _saving(current, opt, warnings)


def _recommended(q: Query, use_case: UseCase, current: ConfigEstimate, warnings: list[str]):
    """What recommend_config picks for this workload (within the current row's experiment when one of its
    rows qualifies), or None with the reason added to `warnings`."""
    anchor = load().row(current.row_ids[0]) if current.row_ids and current.basis == "measured" else None
    try:
        rec = recommend(known(q.gpu), q.model or q.model_given, use_case=use_case, engine=current.engine,
                        num_gpus=anchor.num_gpus if anchor else q.num_gpus,
                        prefer_experiment=anchor.experiment if anchor else None)
    except ToolInputError as exc:
        warnings.append(f"No optimised configuration: {exc.message}")
        return None
    if rec.precision is None or rec.batch_size is None:
        warnings.append("No optimised configuration: " + "; ".join(([r.text for r in rec.reasons] if rec.precision else rec.warnings)[:1]))
        return None
    return rec


def _saving(current: ConfigEstimate, opt: ConfigEstimate, warnings: list[str]) -> Savings | None:
    """The saving of `opt` over `current`, stated only between measured rows of one experiment, engine
    and energy basis; otherwise None with the reason added to `warnings`."""
    if current.kwh_per_month is None or opt.kwh_per_month is None:
        return None
    if opt.kwh_per_month >= current.kwh_per_month:
        warnings.append(f"The compared configuration ({opt.precision}, batch {opt.batch_size}, {opt.basis}) shows no saving "
                        "over the current one in the data; keep the current configuration or measure both.")
        return None
    rows = [load().row(c.row_ids[0]) if c.basis == "measured" and c.row_ids else None for c in (current, opt)]
    if rows[0] is None or rows[1] is None or not comparable(rows[0], rows[1]):
        where = (f"experiments {rows[0].experiment} and {rows[1].experiment}" if rows[0] and rows[1]
                 else f"a {current.basis} and a {opt.basis} figure")
        warnings.append(f"No saving is stated: the current and optimised figures come from {where}, and a saving "
                        "is computed only between measured rows of one experiment, engine and energy basis.")
        return None
    return Savings(
        kwh_per_month=_r(current.kwh_per_month - opt.kwh_per_month) or 0.0,
        cost_usd_per_month=_diff(current.cost_usd_per_month, opt.cost_usd_per_month),
        kg_co2_per_month=_diff(current.kg_co2_per_month, opt.kg_co2_per_month),
        pct=pct_change(opt.kwh_per_month, current.kwh_per_month), comparable=True,
        note=f"both rows from experiment {rows[0].experiment} ({rows[0].row_id} vs {rows[1].row_id})",
    )


def _diff(a: float | None, b: float | None) -> float | None:
    return _r(a - b) if a is not None and b is not None else None
