"""Measured impact per rule, taken from `ecocompute.tools.evidence` (imported only when a finding
needs it, so a clean audit never loads the dataset). No figure is typed here."""

from __future__ import annotations

from functools import cache

from ecocompute.tools.audit.findings import Impact

# evidence key -> functions of ecocompute.tools.evidence, the first one giving the range
EVIDENCE: dict[str, tuple[str, ...]] = {
    "int8": ("int8_default_penalty", "int8_pure_effect"),
    "int8_pure": ("int8_pure_effect",),
    "nf4": ("nf4_small_model_penalty",),
    "batch": ("batch_size_gain",),
}
UNMEASURED = "Not measured in the dataset: no energy figure is claimed for this finding."


@cache
def impact_for(key: str | None) -> Impact:
    """The impact for an evidence key; `unavailable` when the dataset has nothing for it."""
    if key is None:
        return Impact(UNMEASURED, None, None, [], "unavailable")
    from ecocompute.tools import evidence

    found = [getattr(evidence, name)() for name in EVIDENCE[key]]
    first = found[0]
    rows = sorted({row for ev in found for row in ev.row_ids})
    statement = ". ".join(ev.claim.rstrip(".") for ev in found) + "."
    return Impact(statement, first.low_pct, first.high_pct, rows, str(first.basis))
