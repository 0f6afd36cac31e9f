"""`estimate_cost`: monthly kWh, cost and CO2 for a configuration and volume, current vs optimised.

energy per request (J) = energy per 1k tokens x tokens per request / 1000
kWh per month          = energy per request x requests per month x PUE / 3.6e6
cost per month         = kWh x USD per kWh;  kg CO2 per month = kWh x g CO2 per kWh / 1000
"""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, Field

from ecocompute.tools import volume as vol
from ecocompute.tools.common import Basis, comparable, known, pct_change, unit
from ecocompute.tools.config_energy import DEFAULT_TOKENS, energy, per_request, pick_rows, r4
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.locations import GridBasis, GridUsed, resolve_location
from ecocompute.tools.names import precision_key
from ecocompute.tools.query import Query, resolve
from ecocompute.tools.recommend import UseCase, recommend

# The original skill's PUE defaults (references/data/grid_and_prices.csv, row "US (skill default)").
DEFAULT_PUE = {"cloud": 1.1, "on_premises": vol.ON_PREMISES_PUE}
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


LOCATION_HELP = "Country (name or ISO code), cloud region ('gcp:europe-west4'), 'World' or 'eu'; null = US"


def estimate_cost(
    gpu: str,
    model: str,
    precision: str | None = None,
    batch_size: Annotated[int | None, Field(ge=1, le=100000)] = None,
    volume: Annotated[float | None, Field(gt=0, le=1e17)] = None,
    volume_unit: vol.VolumeUnit = "requests_per_month",
    tokens_per_request: Annotated[float | None, Field(gt=0, le=1e6, description="Output tokens; null = 256")] = None,
    region: Annotated[str | None, Field(description=LOCATION_HELP)] = None,
    grid_basis: GridBasis | None = None,
    usd_per_kwh: Annotated[float | None, Field(ge=0, le=100)] = None,
    grid_gco2_per_kwh: Annotated[float | None, Field(ge=0, le=5000)] = None,
    pue: Annotated[float | None, Field(ge=1, le=5, description="null = cloud default")] = None,
    use_case: UseCase = "api",
    engine: str | None = None,
    target_precision: Annotated[str | None, Field(description="Instead of the recommendation")] = None,
    target_batch_size: Annotated[int | None, Field(ge=1, le=100000)] = None,
) -> EstimateResult:
    """kWh, USD and kg CO2 of a workload with the formula, for the configuration and the recommended (or target) one."""
    assumed_tokens = tokens_per_request is None
    tokens = DEFAULT_TOKENS if tokens_per_request is None else tokens_per_request
    monthly, one_off = vol.monthly_requests(volume, volume_unit, tokens)
    q = resolve(gpu, model, precision, None, engine)
    place = resolve_location(region, grid_basis, grid_gco2_per_kwh, usd_per_kwh)
    factor = pue if pue is not None else DEFAULT_PUE["cloud"]
    by_tokens = volume_unit.startswith("tokens_")
    stated: dict[str, float | None] = {} if volume_unit in ("requests_per_month", "requests_per_day") else {volume_unit: volume}
    inputs = {"gpu": q.gpu, "model": q.model or model, "precision": precision, "batch_size": batch_size,
              "requests_per_month": None if one_off else monthly,
              "requests_per_day": volume if volume_unit == "requests_per_day" else None, "tokens_per_request": tokens,
              **stated, "period": "total" if one_off else "month", "region": region, "grid_basis": grid_basis,
              "usd_per_kwh": place.usd_per_kwh, "grid_gco2_per_kwh": place.grid_gco2_per_kwh, "pue": factor,
              "price_source": place.price_source, "grid_source": place.grid_source}
    assumptions = _assumptions(precision, batch_size, assumed_tokens, by_tokens, place, pue)
    warnings = _missing_location(place)
    # A token volume fixes the energy (tokens x energy per token); tokens per request then only counts requests,
    # so a serving row's measured per-request energy (at its own output length) must not be used.
    pricing = Pricing(monthly, None if assumed_tokens and not by_tokens else tokens, place.usd_per_kwh, place.grid_gco2_per_kwh, factor)
    current = _estimate(q, q.precision, batch_size, pricing)
    assumptions = _token_note(assumptions, current)
    optimised, savings = _optimised(q, use_case, current, pricing, warnings, _target(target_precision, target_batch_size))
    current = _with_periods(current, one_off, pricing)
    optimised = optimised and _with_periods(optimised, one_off, pricing)
    return EstimateResult(inputs=inputs, formula=FORMULA + "; " + vol.FORMULA, current=current, optimised=optimised, savings=savings,
                          location=place, assumptions=assumptions, warnings=warnings)


class Pricing(NamedTuple):
    """What turns an energy per request into monthly figures (the same for the current and the compared configuration)."""

    monthly: float  # requests per month (or the one-off job's requests)
    tokens: float | None  # tokens per request; None = the row's own (serving rows) or the default
    price: float | None
    grid: float | None
    pue: float


def _missing_location(place: GridUsed) -> list[str]:
    """Warnings for a location without a price or a grid intensity in the data."""
    out = []
    if place.usd_per_kwh is None:
        out.append(f"No electricity price for {place.name} in the data, so no cost: the cost needs a price, give usd_per_kwh.")
    if place.grid_gco2_per_kwh is None:
        out.append(f"No grid intensity for {place.name} in the data; give grid_gco2_per_kwh for CO2.")
    return out


def _target(precision: str | None, batch_size: int | None) -> tuple[str | None, int | None] | None:
    """The configuration the user named to compare with, or None to compare with the recommendation."""
    return (precision, batch_size) if precision or batch_size else None


def _with_periods(c: ConfigEstimate, one_off: bool, pricing: Pricing) -> ConfigEstimate:
    """The monthly figures also per day, per year and per request; a one-off job's as totals instead."""
    extra = vol.periods(c.model_dump(), one_off, pricing.pue, pricing.grid)
    if one_off:
        extra.update(kwh_per_month=None, cost_usd_per_month=None, kg_co2_per_month=None)
    return c.model_copy(update=extra)


def _assumptions(precision: str | None, batch_size: int | None, assumed_tokens: bool, by_tokens: bool, place: GridUsed,
                 pue: float | None) -> list[str]:
    out = []
    if precision is None:
        out.append("Precision not given: FP16 assumed (BF16 for vLLM rows).")
    if batch_size is None:
        out.append("Batch size not given: batch 1 assumed (the smallest measured max_num_seqs for vLLM).")
    if assumed_tokens:
        out.append(f"{DEFAULT_TOKENS} generated tokens per request (default)"
                   + ("; it only counts requests: the energy follows the stated token volume." if by_tokens else "."))
    if pue is None:
        out.append("PUE default for cloud.")
    if place.kind == "default":
        out.append(f"No location given: {place.statement}")
    return out


def _estimate(q: Query, precision: str | None, batch: int | None, pricing: Pricing) -> ConfigEstimate:
    engine, prec, rows = pick_rows(q, precision)
    bs = batch or min((m.batch_size or 1 for m in rows), default=1)
    e1k, rng, basis, ids, how, others = energy(q, engine, prec, bs, rows)
    anchor = load().row(ids[0]) if ids else None
    per_req, req_basis, used_tokens, measured_req = per_request(e1k, basis, anchor, pricing.tokens)
    return ConfigEstimate(
        gpu=known(q.gpu), model=q.model or q.model_given, precision=prec, batch_size=bs, engine=engine,
        basis=basis, row_ids=ids, how=how, energy_j_per_1k_tok=e1k, energy_j_per_1k_tok_range=rng,
        energy_j_per_request=r4(per_req), energy_j_per_request_basis=req_basis, tokens_per_request=used_tokens,
        measured_energy_j_per_request=measured_req, other_measurements=others,
        **_row_facts(anchor, basis), **_monthly(per_req, pricing))


def _row_facts(anchor: Measurement | None, basis: Basis) -> dict[str, Any]:
    """The anchor row's engine version and regime, and its measured latencies when the figure is that row's."""
    if anchor is None:
        return {}
    latency = basis == "measured"
    return {"engine_version": anchor.engine_version, "regime": anchor.regime,
            "median_itl_ms": anchor.median_itl_ms if latency else None, "p99_itl_ms": anchor.p99_itl_ms if latency else None}


def _monthly(per_req: float | None, pricing: Pricing) -> dict[str, float | None]:
    """kWh, USD and kg CO2 per month from the energy per request (None where an input is missing)."""
    if per_req is None:
        return {"kwh_per_month": None, "cost_usd_per_month": None, "kg_co2_per_month": None}
    kwh = per_req * pricing.monthly * pricing.pue / 3.6e6
    return {"kwh_per_month": r4(kwh), "cost_usd_per_month": r4(kwh * pricing.price) if pricing.price is not None else None,
            "kg_co2_per_month": r4(kwh * pricing.grid / 1000) if pricing.grid is not None else None}


def _token_note(assumptions: list[str], current: ConfigEstimate) -> list[str]:
    """A serving row's measured energy per request replaces the default tokens-per-request assumption."""
    if current.energy_j_per_request_basis != "measured":
        return assumptions
    note = (f"Energy per request is the row's measured figure at its mean output length ({current.tokens_per_request:g} "
            "tokens per request); give tokens_per_request to derive it for another length.")
    return [note if a.startswith(f"{DEFAULT_TOKENS} generated tokens") else a for a in assumptions]


def _optimised(q: Query, use_case: UseCase, current: ConfigEstimate, pricing: Pricing, warnings: list[str],
               target: tuple[str | None, int | None] | None = None) -> tuple[ConfigEstimate | None, Savings | None]:
    """The recommended configuration priced like the current one (same requests and tokens per request),
    chosen within the current row's experiment when one of its rows qualifies; a saving only within one
    experiment, engine and energy basis, between measured rows."""
    priced = pricing._replace(tokens=pricing.tokens if pricing.tokens is not None else current.tokens_per_request)
    if target is not None:  # the switch the user named, instead of the recommendation
        precision = precision_key(target[0]) if target[0] else current.precision
        opt = _estimate(q, precision, target[1] or current.batch_size, priced)
        return opt, _saving(current, opt, warnings)
    rec = _recommended(q, use_case, current, warnings)
    if rec is None:
        return None, None
    opt = _estimate(q, rec.precision, rec.batch_size, priced)
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
        kwh_per_month=r4(current.kwh_per_month - opt.kwh_per_month) or 0.0,
        cost_usd_per_month=_diff(current.cost_usd_per_month, opt.cost_usd_per_month),
        kg_co2_per_month=_diff(current.kg_co2_per_month, opt.kg_co2_per_month),
        pct=pct_change(opt.kwh_per_month, current.kwh_per_month), comparable=True,
        note=f"both rows from experiment {rows[0].experiment} ({rows[0].row_id} vs {rows[1].row_id})",
    )


def _diff(a: float | None, b: float | None) -> float | None:
    return r4(a - b) if a is not None and b is not None else None
