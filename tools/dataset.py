"""The measured dataset: loaded once from `references/data/*.csv`, validated with pydantic.

On load every row with power, throughput and energy is checked against
energy per 1k tokens = power / throughput x 1000 (within 1%; for rows whose energy is net of idle,
with the GPU's idle power subtracted first). Rows that fail keep their values but carry the flag, and
every tool result that uses one repeats it.
"""

from __future__ import annotations

import csv
from functools import cache, cached_property
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from ecocompute.tools.engines import engine

Role = Literal["primary", "secondary", "mirror", "claim"]
EnergyBasis = Literal["gross", "net_of_idle", "unknown", "as_mirrored_source"]
IDENTITY_TOLERANCE = 0.01


class Source(BaseModel):
    """Where a row comes from: repository, path, commit and section."""

    model_config = ConfigDict(frozen=True)

    repo: str
    path: str
    commit: str
    section: str


class Measurement(BaseModel):
    """One measured configuration from one source (see references/data/README.md for units)."""

    model_config = ConfigDict(frozen=True)

    row_id: str
    experiment: str
    role: Role
    energy_basis: EnergyBasis
    engine: str
    engine_version: str | None
    dataset: str
    gpu: str
    gpu_name: str
    model: str
    hf_id: str | None
    params_b: float | None
    activated_params_b: float | None
    precision: str
    batch_size: int | None
    achieved_batch: float | None
    num_gpus: int
    tensor_parallel: int | None
    max_new_tokens: float | None
    throughput_tok_s: float | None
    throughput_std: float | None
    power_w: float | None
    power_std: float | None
    energy_j_per_1k_tok: float | None
    energy_std: float | None
    energy_j_per_request: float | None
    median_itl_ms: float | None
    p99_itl_ms: float | None
    gpu_util_pct: float | None
    peak_vram_gb: float | None
    n_runs: int | None
    cv_pct: float | None
    perplexity_wikitext2: float | None
    source: Source
    notes: str
    identity: str = "not checked"

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def regime(self) -> str:
        return engine(self.engine).regime

    @property
    def identity_ok(self) -> bool:
        return not self.identity.startswith("failed")


class GpuProfile(BaseModel):
    """A GPU's specs, merged over the sources (the first source that gives a value wins)."""

    gpu: str
    name: str
    architecture: str
    vram_gb: float | None
    tdp_w: float | None
    idle_w: float | None
    measured: bool


class Region(BaseModel):
    """Grid carbon intensity and electricity price for a region, with its provenance."""

    key: str
    label: str
    grid_gco2_per_kwh: float | None
    usd_per_kwh: float | None
    source: str


class Dataset(BaseModel):
    """Everything the tools read."""

    measurements: tuple[Measurement, ...]
    gpus: dict[str, GpuProfile]
    regions: dict[str, Region]

    def row(self, row_id: str) -> Measurement:
        """The row with this id (ids are unique; see references/data/README.md)."""
        return self._by_id[row_id]

    @cached_property
    def _by_id(self) -> dict[str, Measurement]:
        return {m.row_id: m for m in self.measurements}

    def primary(self) -> list[Measurement]:
        return [m for m in self.measurements if m.role == "primary"]

    def flagged(self) -> list[Measurement]:
        return [m for m in self.measurements if not m.identity_ok]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("ecocompute.references.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _measurement(row: dict[str, str]) -> Measurement:
    source = Source(repo=row.pop("source_repo"), path=row.pop("source_path"),
                    commit=row.pop("source_commit"), section=row.pop("source_section"))
    row["num_gpus"] = row["num_gpus"] or "1"
    return Measurement.model_validate({**row, "source": source})


def identity_status(m: Measurement, idle_w: float | None) -> str:
    """Check energy = (power - idle) / throughput x 1000, idle only for net-of-idle rows."""
    if m.power_w is None or not m.throughput_tok_s or m.energy_j_per_1k_tok is None:
        return "not checkable (no power or throughput)"
    subtract = idle_w if m.energy_basis == "net_of_idle" and idle_w is not None else 0.0
    computed = (m.power_w - subtract) / m.throughput_tok_s * 1000
    ratio = m.energy_j_per_1k_tok / computed
    label = f"listed/computed={ratio:.4f}" + (f" with idle {subtract:g} W removed" if subtract else "")
    return ("ok: " if abs(ratio - 1) <= IDENTITY_TOLERANCE else "failed: ") + label


def _gpus() -> dict[str, GpuProfile]:
    merged: dict[str, dict[str, object]] = {}
    for row in _rows("gpus.csv"):
        entry = merged.setdefault(row["gpu"], {"gpu": row["gpu"], "name": row["gpu_name"],
                                               "measured": False})
        for field in ("architecture", "vram_gb", "tdp_w", "idle_w"):
            if entry.get(field) is None and row[field]:
                entry[field] = row[field]
        entry["measured"] = bool(entry["measured"]) or row["measured_in_repos"] == "yes"
    return {k: GpuProfile.model_validate({"architecture": "", "vram_gb": None, "tdp_w": None,
                                          "idle_w": None, **v}) for k, v in merged.items()}


REGION_ROWS = {  # our region key -> row label in grid_and_prices.csv
    "us": "US (skill default)",
    "china": "China (skill default)",
    "eu": "EU Average",
    "france": "France",
    "norway": "Norway",
    "india": "India",
}


def _regions() -> dict[str, Region]:
    rows = {r["region"]: r for r in _rows("grid_and_prices.csv")}
    out = {}
    for key, label in REGION_ROWS.items():
        row = rows[label]
        out[key] = Region(
            key=key, label=label, grid_gco2_per_kwh=float(row["grid_gco2_per_kwh"]) if row["grid_gco2_per_kwh"] else None,
            usd_per_kwh=float(row["electricity_usd_per_kwh"]) if row["electricity_usd_per_kwh"] else None,
            source=f"{row['source_repo']}:{row['source_path']}@{row['source_commit']} ({row['source_section']})",
        )
    return out


@cache
def load() -> Dataset:
    """Load, validate and identity-check the dataset once per process."""
    gpus = _gpus()
    rows = [_measurement(r) for name in ("measurements.csv", "serving_measurements.csv")
            for r in _rows(name)]
    for m in rows:  # GPUs known only from measurements (e.g. serving-only B200)
        gpus.setdefault(m.gpu, GpuProfile(gpu=m.gpu, name=m.gpu_name, architecture="", vram_gb=None,
                                          tdp_w=None, idle_w=None, measured=True))
    checked = tuple(
        m.model_copy(update={"identity": identity_status(m, gpus[m.gpu].idle_w if m.gpu in gpus else None)})
        for m in rows
    )
    return Dataset(measurements=checked, gpus=gpus, regions=_regions())
