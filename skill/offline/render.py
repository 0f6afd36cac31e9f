"""Render a protocol's output format from tool results with the shared jinja2 templates.

The context builders only select, label and order values found in the tool results; they never
compute a new number (the grounding check holds every number of the answer to the tool results).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field, SerializeAsAny

from ecocompute.i18n import N_, tr
from ecocompute.offline import audit_view, compare_view, diagnose_view, estimate_view, lookups, optimize_view
from ecocompute.offline.labels import compare_headings, heading, label, tail_markdown
from ecocompute.offline.opening import opening
from ecocompute.offline.plan import Plan
from ecocompute.prompting import render

# Labels translated where they are rendered; protocol titles and headings come from the protocols table.
LABELS = (N_("Current"), N_("Optimised"), N_("Batch size"), N_("max_num_seqs"), N_("Precision"))
FOOTER = N_("*Answered by the EcoCompute offline engine: deterministic rules that read the question, call the tools "
          "and fill in the protocol's format. It is not a language model; every number above comes from the tool "
          "results in this conversation or from the question. Use `-m provider:model` for a conversational answer.*")


class Outcome(BaseModel):
    """One tool call and its parsed result (or error sentence)."""

    name: str
    arguments: dict[str, Any]
    ok: bool
    data: dict[str, Any] = Field(default_factory=dict)
    result: SerializeAsAny[BaseModel] | None = None  # the typed result (registry.parse_result); prefer it to `data`
    error: str | None = None


def answer(plan: Plan, outcomes: list[Outcome], language: str) -> str:
    """The final answer: the protocol's format, the tool errors, assumptions and the footer."""
    builder: Callable[[Plan, list[Outcome]], str] = {
        "OPTIMIZE": _optimize, "DIAGNOSE": _diagnose, "COMPARE": _compare, "ESTIMATE": _estimate, "AUDIT": _audit,
    }[plan.protocol]
    body = builder(plan, outcomes) if any(o.ok for o in outcomes) else _nothing(plan, outcomes)
    first = opening(plan, outcomes)
    notes = [tr("> Note: {note}.", note=n) for n in plan.notes]
    errors = [tr("> Tool `{name}` could not answer: {error}", name=o.name, error=o.error) for o in outcomes if not o.ok]
    parts = first + ([""] if first else []) + notes + errors + ([""] if notes or errors else []) + [body.rstrip()]
    return "\n".join(parts).strip() + "\n"


def _tail(plan: Plan, extra: list[str] | None = None) -> dict[str, Any]:
    assumptions = list(dict.fromkeys(plan.assumptions + (extra or [])))
    return {"assumptions": [a.rstrip(".") for a in assumptions], "footer": tr(FOOTER)}


def _first(outcomes: list[Outcome], name: str) -> Outcome | None:
    return next((o for o in outcomes if o.ok and o.name == name), None)


def _nothing(plan: Plan, outcomes: list[Outcome]) -> str:
    lines = [f"## {tr(plan.protocol.title())}", "", tr("No tool returned data for this question, so there is no measured answer to give.")]
    tail = _tail(plan)
    if any(not o.ok for o in outcomes):
        lines += ["", tr("The input above is not valid or not covered by the data: correct it (the tool's message lists "
                        "what is covered) and ask again. No default was used for any figure.")]
    elif tail["assumptions"]:
        lines += ["", tr("**Assumptions:**") + " " + "; ".join(tail["assumptions"]) + "."]
    return "\n".join(lines + ["", "---", tr(FOOTER)])


def _optimize(plan: Plan, outcomes: list[Outcome]) -> str:
    rec = _first(outcomes, "recommend_config")
    if rec is None:
        return _nothing(plan, outcomes)
    ctx = optimize_view.optimize_context(rec.data, rec.arguments, _first(outcomes, "lookup_measurement"), plan.num_gpus)
    asked = plan.precisions[0] if plan.precisions else None
    if asked and rec.data.get("precision") and asked != rec.data["precision"]:
        ctx["warnings"].insert(0, f"Your plan names {label(asked)}; the measured data points to "
                                  f"{label(rec.data['precision'])} instead (see Why).")
    return render("format_optimize.md.j2", **ctx, **_tail(plan))


def _diagnose(plan: Plan, outcomes: list[Outcome]) -> str:
    diag = _first(outcomes, "diagnose")
    comp = _first(outcomes, "compare_precisions")
    if diag is None:
        return _nothing(plan, outcomes)
    ctx = diagnose_view.diagnose_context(diag.data, comp.data if comp else None, plan.symptoms)
    return render("format_diagnose.md.j2", **ctx, **_tail(plan))


def _lookup(plan: Plan, outcomes: list[Outcome]) -> str:
    results = [(o.arguments, o.data) for o in outcomes if o.ok and o.name == "lookup_measurement"]
    asked = sorted({a["batch_size"] for a, _ in results if a.get("batch_size") is not None})
    return render("format_compare.md.j2", **lookups.lookup_context(results, asked), **_tail(plan))


def _compare(plan: Plan, outcomes: list[Outcome]) -> str:
    if plan.lookup:
        return _lookup(plan, outcomes)
    parts = []
    side_by_side = [o for o in outcomes if o.ok and o.name == "lookup_measurement"]
    if side_by_side:
        model = side_by_side[0].data.get("query", {}).get("model") or side_by_side[0].arguments.get("model", "")
        parts.append(compare_view.cross_regime_heading(model, plan.gpus))
    for o in outcomes:
        if o.ok and o.name == "compare_precisions":
            ctx = compare_view.compare_context(o.data)
            parts.append(render("format_compare.md.j2", **ctx, not_measured=compare_view.absent_precisions(o.data, plan.precisions),
                                assumptions=[], footer=None))
        elif o.ok and o.name == "compare_gpus":
            parts.append(compare_view.compare_gpus_markdown(o.data, o.arguments, plan.gpus))
        elif o.ok and o.name == "lookup_measurement":
            parts.append(compare_view.regime_rows_markdown(o.data))
    if side_by_side:
        parts += [heading(compare_headings()[1]), compare_view.CROSS_REGIME]
    tail = _tail(plan)
    return "\n\n".join(p.rstrip() for p in parts) + "\n" + tail_markdown(tail)


def _estimate(plan: Plan, outcomes: list[Outcome]) -> str:
    est = _first(outcomes, "estimate_cost")
    if est is None:
        return _nothing(plan, outcomes)
    rows = [r for o in outcomes if o.ok and o.name == "lookup_measurement" for r in o.data.get("rows", [])]
    ctx, tool_assumptions = estimate_view.estimate_context(est.data, rows, plan.claimed_j_per_request)
    return render("format_estimate.md.j2", **ctx, **_tail(plan, tool_assumptions))


def _audit(plan: Plan, outcomes: list[Outcome]) -> str:
    aud = _first(outcomes, "audit_code")
    if aud is None:
        return _nothing(plan, outcomes)
    return render("format_audit.md.j2", **audit_view.audit_context(aud.data, aud.arguments), **_tail(plan))


__all__ = ["FOOTER", "Outcome", "answer"]
