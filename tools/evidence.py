"""The paradoxes, defined and computed in one place: their names and titles, which row shows which
(`row_paradoxes`, used by the offline answers), and the evidence over the dataset (shared by diagnose,
audit, the prompt's summary and `read_reference`).

Each evidence function pairs rows within one experiment, energy basis and engine, so every percentage is
derived from two measured rows; nothing here is a typed-in figure.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Literal

from pydantic import BaseModel

from ecocompute.tools.basis import INT8_PURE_CAVEAT, Basis, comparable, known, pct_change
from ecocompute.tools.dataset import Measurement, load
from ecocompute.tools.engines import engine
from ecocompute.tools.names import model_params_b  # noqa: F401 - part of this module's interface

SMALL_MODEL_MAX_B = 3.0
NF4_PRECISIONS = ("nf4", "nf4_dq")
Paradox = Literal["int8", "nf4", "batch", "power"]  # what the measurements contradict (eval scenarios are tagged by it)
TITLES: dict[Paradox, str] = {"int8": "INT8 paradox", "nf4": "NF4 paradox", "batch": "Batch size",
                              "power": "Power is not energy"}


class Comparison(BaseModel):
    """One derived percentage between two rows of one experiment."""

    gpu: str
    model: str
    batch_size: int | None
    experiment: str
    pct: float
    new_row: str
    base_row: str


class Evidence(BaseModel):
    """A claim with its range, the comparisons behind it and their rows."""

    claim: str
    low_pct: float | None
    high_pct: float | None
    row_ids: list[str]
    basis: Basis
    comparisons: list[Comparison]
    details: str = ""


def row_paradoxes(precision: str, energy_pct: float, power_w: float | None, base_power_w: float | None) -> list[Paradox]:
    """The paradoxes one measured row shows against the FP16/BF16 row of its experiment, given the change in
    energy per token: default INT8 or NF4 costing more energy, or less power drawn yet more energy used."""
    if energy_pct <= 0:
        return []
    found: list[Paradox] = []
    if precision == "int8_default":
        found.append("int8")
    if precision in NF4_PRECISIONS:
        found.append("nf4")
    if power_w and base_power_w and power_w < base_power_w:
        found.append("power")
    return found


def _pairs(new_prec: str, base_prec: str, keep: Callable[[Measurement], bool]) -> list[Comparison]:
    prim = [m for m in load().primary() if not engine(m.engine).serving and m.energy_j_per_1k_tok and keep(m)]
    base = {(m.experiment, m.gpu, m.model, m.batch_size): m for m in prim if m.precision == base_prec}
    out = []
    for m in prim:
        b = base.get((m.experiment, m.gpu, m.model, m.batch_size))
        if m.precision == new_prec and b is not None and comparable(m, b):
            out.append(Comparison(gpu=m.gpu, model=m.model, batch_size=m.batch_size, experiment=m.experiment,
                                  pct=pct_change(known(m.energy_j_per_1k_tok), known(b.energy_j_per_1k_tok)),
                                  new_row=m.row_id, base_row=b.row_id))
    return out


def _evidence(what: str, comps: list[Comparison]) -> Evidence:
    if not comps:
        return Evidence(claim=f"No measured pair for {what}.", low_pct=None, high_pct=None,
                        row_ids=[], basis="unavailable", comparisons=[])
    lo, hi = min(c.pct for c in comps), max(c.pct for c in comps)
    gpus = sorted({c.gpu for c in comps})
    span = f"{lo:+.1f}%" if lo == hi else f"{lo:+.1f}% to {hi:+.1f}%"
    return Evidence(
        claim=f"{what}: {span} energy per token in {len(comps)} measured comparisons on {', '.join(gpus)}",
        low_pct=lo, high_pct=hi, row_ids=sorted({r for c in comps for r in (c.new_row, c.base_row)}),
        basis="derived", comparisons=comps,
    )


@cache
def int8_default_penalty() -> Evidence:
    """Default bitsandbytes INT8 (threshold 6.0) vs FP16."""
    return _evidence("INT8 with the default threshold vs FP16", _pairs("int8_default", "fp16", lambda m: True))


@cache
def int8_pure_effect() -> Evidence:
    """`llm_int8_threshold=0.0` vs default INT8, with the accuracy caveat and perplexity where measured."""
    ev = _evidence("INT8 with llm_int8_threshold=0.0 vs default INT8", _pairs("int8_pure", "int8_default", lambda m: True))
    vs_fp16 = _evidence("vs FP16", _pairs("int8_pure", "fp16", lambda m: True))
    claim = f"{ev.claim}; {vs_fp16.claim}. Caveat: {INT8_PURE_CAVEAT}"
    return ev.model_copy(update={"claim": claim, "details": _perplexity_note().strip(),
                                 "row_ids": sorted(set(ev.row_ids) | set(vs_fp16.row_ids))})


def int8_pure_vs_fp16() -> Evidence:
    """`llm_int8_threshold=0.0` vs FP16 (where pure INT8 still costs more than FP16)."""
    return _evidence("INT8 with llm_int8_threshold=0.0 vs FP16", _pairs("int8_pure", "fp16", lambda m: True))


def _perplexity_note() -> str:
    rows = [m for m in load().primary() if m.perplexity_wikitext2 is not None]
    fp16 = {(m.experiment, m.model): m for m in rows if m.precision == "fp16"}
    parts = []
    for m in rows:
        base = fp16.get((m.experiment, m.model))
        if m.precision == "int8_pure" and base:
            odd = (" (lower than FP16, which is implausible: the source's perplexities for this model are doubtful)"
                   if known(m.perplexity_wikitext2) < known(base.perplexity_wikitext2) else "")
            parts.append(f"{m.model} on {m.gpu}: WikiText-2 perplexity {base.perplexity_wikitext2:g} (FP16, {base.row_id})"
                         f" vs {m.perplexity_wikitext2:g} ({m.row_id}){odd}")
    return (" Measured: " + "; ".join(parts) + ".") if parts else ""


@cache
def nf4_small_model_penalty() -> Evidence:
    """NF4 vs FP16 for models of at most 3B parameters."""
    return _evidence(f"NF4 vs FP16 on models <= {SMALL_MODEL_MAX_B:g}B",
                     _pairs("nf4", "fp16", lambda m: (m.params_b or 99) <= SMALL_MODEL_MAX_B))


@cache
def nf4_large_model_effect() -> Evidence:
    """NF4 vs FP16 for models above 3B parameters."""
    return _evidence(f"NF4 vs FP16 on models > {SMALL_MODEL_MAX_B:g}B",
                     _pairs("nf4", "fp16", lambda m: (m.params_b or 0) > SMALL_MODEL_MAX_B))


@cache
def batch_size_gain() -> Evidence:
    """Energy per token (and so per request) at the largest measured batch vs batch 1, per experiment."""
    prim = [m for m in load().primary() if not engine(m.engine).serving and m.energy_j_per_1k_tok and m.batch_size]
    groups: dict[tuple[str, str, str, str], list[Measurement]] = {}
    for m in prim:
        groups.setdefault((m.experiment, m.gpu, m.model, m.precision), []).append(m)
    comps = []
    for key in sorted(groups):
        sweep = sorted(groups[key], key=lambda m: known(m.batch_size))
        if len(sweep) > 1 and sweep[0].batch_size == 1 and comparable(sweep[-1], sweep[0]):
            top, one = sweep[-1], sweep[0]
            comps.append(Comparison(gpu=top.gpu, model=f"{top.model} {top.precision} batch {top.batch_size}",
                                    batch_size=top.batch_size, experiment=top.experiment,
                                    pct=pct_change(known(top.energy_j_per_1k_tok), known(one.energy_j_per_1k_tok)),
                                    new_row=top.row_id, base_row=one.row_id))
    return _evidence("Largest measured batch vs batch 1", comps)


def power_vs_energy() -> Evidence:
    """Rows where a precision draws less power than FP16 yet uses more energy per token."""
    prim = [m for m in load().primary() if not engine(m.engine).serving and m.power_w and m.energy_j_per_1k_tok]
    fp16 = {(m.experiment, m.gpu, m.model, m.batch_size): m for m in prim if m.precision == "fp16"}
    comps = []
    for m in prim:
        b = fp16.get((m.experiment, m.gpu, m.model, m.batch_size))
        if not b or m is b or not comparable(m, b):
            continue
        pct = pct_change(known(m.energy_j_per_1k_tok), known(b.energy_j_per_1k_tok))
        if "power" in row_paradoxes(m.precision, pct, m.power_w, b.power_w):
            comps.append(Comparison(gpu=m.gpu, model=f"{m.model} {m.precision}", batch_size=m.batch_size,
                                    experiment=m.experiment, pct=pct, new_row=m.row_id, base_row=b.row_id))
    return _evidence("Lower power than FP16 but more energy per token", comps)


# (title, evidence function): the paradox summary the prompt and `read_reference("findings")` carry.
SUMMARY: tuple[tuple[str, Callable[[], Evidence]], ...] = (
    (TITLES["int8"], int8_default_penalty),
    ("Pure INT8 (`llm_int8_threshold=0.0`)", int8_pure_effect),
    ("NF4 on small models", nf4_small_model_penalty),
    ("NF4 on larger models", nf4_large_model_effect),
    (TITLES["batch"], batch_size_gain),
    (TITLES["power"], power_vs_energy),
)
