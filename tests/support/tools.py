"""A stable test-only tool, so recorded request bodies do not change when the real tools do."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ecocompute.registry import ToolSpec


class Reading(BaseModel):
    gpu: str
    precision: str | None


def read_meter(
    gpu: Annotated[str, Field(description="GPU name")],
    precision: Literal["fp16", "nf4"] | None = None,
    batch_size: Annotated[int, Field(ge=1)] = 1,
) -> Reading:
    """Read a pretend meter (test tool; returns no measurements)."""
    return Reading(gpu=gpu, precision=precision)


def test_tool_spec() -> ToolSpec:
    return ToolSpec.from_function(read_meter)


test_tool_spec.__test__ = False  # type: ignore[attr-defined]
