"""`diagnose`: match settings and symptoms to the known energy-waste patterns, with evidence and a fix."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ecocompute.tools import evidence
from ecocompute.tools.common import INT8_PURE_CAVEAT, Basis, Delta, energy_delta, pct_change, row_order
from ecocompute.tools.dataset import Measurement
from ecocompute.tools.engines import EAGER
from ecocompute.tools.query import primary_rows, resolve
from ecocompute.tools.recommend import UseCase

Pattern = Literal["int8_decomposition", "small_model_nf4", "batch_one_in_production", "power_not_energy", "none"]
Confidence = Literal["high", "medium", "low"]
FIX_INT8 = ('from transformers import BitsAndBytesConfig\n'
            'bnb = BitsAndBytesConfig(load_in_8bit=True, llm_int8_threshold=0.0)  # removes the decomposition; check accuracy\n'
            '# or: torch_dtype=torch.float16 (no quantisation), or BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4")')
FIX_NF4 = "model = AutoModelForCausalLM.from_pretrained(model_id, torch_dtype=torch.float16, device_map=\"cuda\")  # FP16 for <=3B"
FIX_BATCH = ("outputs = model.generate(**tokenizer(prompts, return_tensors=\"pt\", padding=True).to(\"cuda\"), max_new_tokens=256)"
             "  # batch prompts (8-64) instead of one generate() per prompt; or serve with vLLM")
FIX_POWER = "# compare energy per token (J) = power (W) / throughput (tok/s), not power alone"


class Finding(BaseModel):
    """One matched energy-waste pattern: why it wastes energy, the evidence rows, the fix and the expected gain."""

    pattern: Pattern
    confidence: Confidence
    explanation: str
    evidence: str
    evidence_rows: list[str]
    basis: Basis
    fix: str
    expected_improvement: list[Delta]


class Observed(BaseModel):
    """Energy per 1k tokens derived from the power and throughput the user observed."""

    energy_j_per_1k_tok: float
    basis: Basis = "derived"
    formula: str


class DiagnoseResult(BaseModel):
    """DIAGNOSE: matched patterns (most confident first), evidence rows, fixes and expected gains."""

    gpu: str | None
    model: str | None
    params_b: float | None
    effective_precision: str | None
    primary_pattern: Pattern
    findings: list[Finding]
    observed: Observed | None
    warnings: list[str]


def diagnose(
    gpu: str | None = None,
    model: str | None = None,
    precision: Annotated[str | None, Field(description="null = from the flags")] = None,
    load_in_8bit: bool | None = None,
    llm_int8_threshold: Annotated[float | None, Field(ge=0, le=1000)] = None,
    load_in_4bit: bool | None = None,
    batch_size: Annotated[int | None, Field(ge=1, le=100000)] = None,
    observed_tokens_per_s: Annotated[float | None, Field(gt=0, le=1e6)] = None,
    observed_power_w: Annotated[float | None, Field(gt=0, le=1e5)] = None,
    use_case: UseCase | None = None,
) -> DiagnoseResult:
    """The known pattern behind slow or power-hungry inference, with evidence rows, fix and expected gain."""
    prec = _effective_precision(precision, load_in_8bit, llm_int8_threshold, load_in_4bit)
    q = resolve(gpu, model, None, None, EAGER)  # the patterns are bitsandbytes / generate() settings
    size = q.model_params_b
    rows = primary_rows(q) if q.model else []
    findings = [f for f in (_int8(prec, rows), _nf4(prec, size, rows), _batch(batch_size, use_case),
                            _power(prec, rows, observed_power_w, observed_tokens_per_s)) if f]
    findings.sort(key=lambda f: ("high", "medium", "low").index(f.confidence))
    observed = None
    if observed_power_w and observed_tokens_per_s:
        observed = Observed(energy_j_per_1k_tok=round(observed_power_w / observed_tokens_per_s * 1000, 1),
                            formula="observed_power_w / observed_tokens_per_s x 1000")
    warnings = [f"Accuracy: {INT8_PURE_CAVEAT}."] if prec == "int8_pure" else []
    return DiagnoseResult(gpu=q.gpu, model=q.model or q.model_given, params_b=size, effective_precision=prec,
                          primary_pattern=findings[0].pattern if findings else "none", findings=findings,
                          observed=observed, warnings=warnings)


def _effective_precision(precision: str | None, int8: bool | None, threshold: float | None, four: bool | None) -> str | None:
    if int8:
        return "int8_pure" if threshold == 0 else "int8_default"
    if four:
        return "nf4"
    if precision is None:
        return None
    q = resolve(precision=precision)
    if q.precision == "int8_default" and threshold == 0:
        return "int8_pure"
    return q.precision


def _deltas(rows: list[Measurement], target: str, better: tuple[str, ...]) -> list[Delta]:
    by: dict[tuple[str, int | None, str], Measurement] = {}
    for m in sorted(rows, key=row_order):
        by.setdefault((m.experiment, m.batch_size, m.precision), m)
    out = []
    for (exp, bs, prec), m in by.items():
        if prec != target:
            continue
        for b in better:
            other = by.get((exp, bs, b))
            d = energy_delta(other, m) if other else None
            if d:
                out.append(d)
    return out


def _int8(prec: str | None, rows: list[Measurement]) -> Finding | None:
    if prec != "int8_default":
        return None
    deltas = _deltas(rows, "int8_default", ("int8_pure", "fp16", "nf4"))
    ev = evidence.int8_default_penalty()
    own = "this GPU and model" if deltas else "other GPUs and models (this configuration is not measured)"
    return Finding(
        pattern="int8_decomposition", confidence="high",
        explanation=("bitsandbytes INT8 with the default llm_int8_threshold (6.0) splits every matmul into an INT8 part and an "
                     "FP16 outlier part (mixed-precision decomposition); the extra work makes it slower and costlier than FP16."),
        evidence=f"{ev.claim} (evidence from {own}). {evidence.int8_pure_effect().claim}. {evidence.int8_pure_effect().details}",
        evidence_rows=sorted({r for d in deltas for r in d.row_ids} or set(ev.row_ids)),
        basis="derived", fix=FIX_INT8, expected_improvement=deltas,
    )


def _nf4(prec: str | None, size: float | None, rows: list[Measurement]) -> Finding | None:
    if prec not in ("nf4", "nf4_dq") or size is None or size > evidence.SMALL_MODEL_MAX_B:
        return None
    deltas = _deltas(rows, prec, ("fp16",))
    ev = evidence.nf4_small_model_penalty()
    return Finding(
        pattern="small_model_nf4", confidence="high" if deltas and all(d.pct < 0 for d in deltas) else "medium",
        explanation=(f"NF4 on a {size:g}B model: dequantising the 4-bit weights costs more per token than the memory traffic it "
                     "saves when the model is small, so it runs slower and uses more energy than FP16."),
        evidence=ev.claim, evidence_rows=sorted({r for d in deltas for r in d.row_ids} or set(ev.row_ids)),
        basis="derived", fix=FIX_NF4, expected_improvement=deltas,
    )


def _batch(batch_size: int | None, use_case: UseCase | None) -> Finding | None:
    if use_case not in ("api", "batch") or (batch_size is not None and batch_size > 1):
        return None
    ev = evidence.batch_size_gain()
    return Finding(
        pattern="batch_one_in_production", confidence="high" if batch_size == 1 else "medium",
        explanation="One request per forward pass leaves the GPU mostly idle; batching shares each weight read across requests.",
        evidence=ev.claim, evidence_rows=ev.row_ids, basis="derived", fix=FIX_BATCH,
        expected_improvement=[Delta(pct=c.pct, formula=f"energy per token, batch {c.batch_size} ({c.new_row}) vs batch 1 ({c.base_row})",
                                    row_ids=[c.new_row, c.base_row]) for c in ev.comparisons],
    )


def _power(prec: str | None, rows: list[Measurement], power: float | None, tps: float | None) -> Finding | None:
    """Lower power mistaken for lower energy: this precision's measured rows that draw less power than FP16 yet use
    more energy per token (high confidence), else the user's own power and throughput (low)."""
    pairs = [(m, b) for m, b in _fp16_pairs(prec, rows) if _less_power_more_energy(m, b)]
    if not pairs and not (power and tps):
        return None
    text, rows_cited = _power_evidence(pairs)
    own = [energy_delta(m, b) for m, b in pairs]
    return Finding(
        pattern="power_not_energy", confidence="high" if pairs else "low",
        explanation=("Energy = power x time. A quantised run can draw less power yet take longer per token, so its energy per "
                     "token is higher; judge by joules per token, not watts."),
        evidence=text, evidence_rows=rows_cited,
        basis="measured" if pairs else "derived", fix=FIX_POWER, expected_improvement=[d for d in own if d],
    )


def _fp16_pairs(prec: str | None, rows: list[Measurement]) -> list[tuple[Measurement, Measurement]]:
    """Each row at `prec` (not FP16 itself) with the FP16 row of the same experiment and batch size."""
    if prec == "fp16":
        return []
    fp16 = {(m.experiment, m.batch_size): m for m in rows if m.precision == "fp16"}
    return [(m, fp16[(m.experiment, m.batch_size)]) for m in rows if m.precision == prec and (m.experiment, m.batch_size) in fp16]


def _less_power_more_energy(m: Measurement, fp16: Measurement) -> bool:
    """The paradox (`evidence.row_paradoxes`): `m` draws less power than its FP16 row yet uses more energy per token."""
    if not (m.energy_j_per_1k_tok and fp16.energy_j_per_1k_tok):
        return False
    pct = pct_change(m.energy_j_per_1k_tok, fp16.energy_j_per_1k_tok)
    return "power" in evidence.row_paradoxes(m.precision, pct, m.power_w, fp16.power_w)


def _power_evidence(pairs: list[tuple[Measurement, Measurement]]) -> tuple[str, list[str]]:
    """The measured pairs in words with their rows; without any, the dataset-wide finding and its first rows."""
    if not pairs:
        ev = evidence.power_vs_energy()
        return ev.claim, sorted(set(ev.row_ids[:10]))
    text = "; ".join(f"{m.row_id}: {m.power_w:g} W vs FP16 {b.power_w:g} W ({b.row_id}), but {m.energy_j_per_1k_tok:g} vs "
                     f"{b.energy_j_per_1k_tok:g} J/1k" for m, b in pairs)
    return text, sorted({r for m, b in pairs for r in (m.row_id, b.row_id)})
