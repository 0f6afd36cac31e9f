"""What `recommend_config` returns: the advice, the candidates it weighed and its reasons as structured items."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ecocompute.tools.common import Basis, RowView, empty_list
from ecocompute.tools.serving import ServingChoice

UseCase = Literal["interactive", "api", "batch"]
ReasonKind = Literal[
    "lowest_energy",  # the measured row picked: lowest energy per token within the constraints
    "precision_delta",  # another precision vs the baseline precision, same experiment and batch
    "size_class",  # nothing measured qualifies: the precision follows the model's size class
    "batch_size",  # the batch size for the use case (or none when the model does not fit)
    "rule_overridden",  # the original skill's rule and the data disagree
    "assumed_deadline",  # no deadline given: the use case's default latency deadline
    "deadline_choice",  # the serving setting chosen under the deadline (or why none is)
    "tighter_deadline",  # what a tighter deadline would cost
    "latency",  # the chosen serving setting's measured latency
    "other_setups",  # the other measured serving set-ups and their best settings
    "mixture_of_experts",  # total vs active parameters of a mixture-of-experts model
]


class RuleCheck(BaseModel):
    """The original skill's precision rule for this size and VRAM, and whether the measured rows agree with it."""

    rule: str
    applies: bool
    says: str | None
    data_says: str | None
    verdict: str


class Candidate(BaseModel):
    """One configuration considered: measured ones first (by energy), extrapolated ones after them."""

    precision: str
    batch_size: int | None
    basis: Basis
    experiment: str | None
    energy_j_per_1k_tok: float | None = Field(description="J per 1k generated tokens (measured rows only)")
    row_ids: list[str]
    note: str


class Figure(BaseModel):
    """A number a reason states: what it is, its unit and basis (the rows are the reason's `row_ids`)."""

    what: str
    value: float
    unit: str
    basis: Basis


class Reason(BaseModel):
    """One reason for the advice: the decision it explains (`kind`), in words, with the rows and figures it cites."""

    kind: ReasonKind
    text: str
    row_ids: list[str] = Field(default_factory=empty_list)
    figures: list[Figure] = Field(default_factory=empty_list)


class RecommendResult(BaseModel):
    """OPTIMIZE: the recommended precision and batch size with reasons and rows."""

    gpu: str
    model: str | None
    params_b: float | None
    activated_params_b: float | None = None  # MoE: active per token (params_b, the total, decides VRAM fit)
    use_case: UseCase
    engine: str
    precision: str | None
    batch_size: int | None
    basis: Basis
    reasons: list[Reason]
    rule_checks: list[RuleCheck]
    row_ids: list[str]
    expected: RowView | None
    serving: ServingChoice | None = None
    candidates: list[Candidate] = Field(default_factory=empty_list, description="measured first by energy, then extrapolated")
    warnings: list[str]
