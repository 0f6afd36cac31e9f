"""How a number was obtained: the basis every tool result states next to it, and the rules for deriving one
number from two rows (within one experiment, energy basis and engine).

Kept free of pydantic so that the audit engine's plain records (`audit/findings.py`) can use it on the
CLI path, which never imports pydantic, and so that the evidence functions (audit, `read_reference`)
import no result model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from ecocompute.tools.dataset import Measurement

Basis = Literal["measured", "derived", "interpolated", "extrapolated", "unavailable"]
T = TypeVar("T")
INT8_PURE_CAVEAT = (
    "llm_int8_threshold=0.0 quantises the outlier features that the default threshold keeps in FP16, "
    "so accuracy can drop; check perplexity or task accuracy before deploying it"
)


def r4(x: float | None) -> float | None:
    """`x` to 4 significant figures (None stays None)."""
    return None if x is None else float(f"{x:.4g}")


def known(value: T | None) -> T:
    """A value the caller has already filtered for (rows with energy, batch, ...); None here is a bug."""
    if value is None:
        raise ValueError("a value filtered as present is missing")
    return value


def pct_change(new: float, old: float) -> float:
    return round((new - old) / old * 100, 1)


def comparable(a: Measurement, b: Measurement) -> bool:
    """Rows may be compared only within one experiment, energy basis and engine."""
    return (a.experiment == b.experiment and a.energy_basis == b.energy_basis
            and a.engine == b.engine and a.energy_basis in ("gross", "net_of_idle"))
