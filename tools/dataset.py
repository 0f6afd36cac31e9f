"""The measured dataset: loaded once from `references/data/*.csv`, validated with pydantic.

On load every row with power, throughput and energy is checked against energy per 1k tokens = power /
throughput x 1000 (within 1%; for rows whose energy is net of idle, the GPU's idle power subtracted first). Rows that fail keep their values but carry the flag, and
every tool result that uses one repeats it.
"""

from __future__ import annotations

import csv
from functools import cache, cached_property
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ecocompute.tools.engines import engine

Role = Literal["primary", "secondary", "mirror", "claim"]
EnergyBasis = Literal["gross", "net_of_idle", "unknown", "as_mirrored_source"]
IDENTITY_TOLERANCE = 0.01
_SOURCE_COLUMNS = {"source_repo": "repo", "source_path": "path", "source_commit": "commit", "source_section": "section"}


class Source(BaseModel):
    """Where a row comes from: repository, path, commit and section."""

    model_config = ConfigDict(frozen=True)

    repo: str
    path: str
    commit: str
    section: str


class Run(BaseModel):
    """One run of a configuration that the source measured more than once."""

    model_config = ConfigDict(frozen=True)

    row_id: str
    energy_j_per_1k_tok: float | None
    throughput_tok_s: float | None
    power_w: float | None
    median_itl_ms: float | None
    p99_itl_ms: float | None


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
    expert_parallel: int | None = None
    data_parallel: int | None = None
    architecture: str | None = None
    repeat_index: int | None = None
    repeat_total: int | None = None
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
    runs: tuple[Run, ...] = ()  # a mean over reruns of one configuration: each run's values (empty otherwise)

    @property
    def regime(self) -> str:
        return engine(self.engine).regime

    @property
    def parallel(self) -> str | None:
        """Parallelism of a multi-GPU serving run, e.g. "TP1, EP4, DP1"; None when not recorded."""
        if not engine(self.engine).serving or self.tensor_parallel is None:
            return None
        if self.expert_parallel is None:  # older rows record TP only; EP and DP follow where nothing else fits
            if self.num_gpus == 1 or (not self.is_moe and self.tensor_parallel == self.num_gpus):
                return f"TP{self.tensor_parallel}, EP1, DP1"
            return f"TP{self.tensor_parallel} (EP and DP not recorded)"
        return f"TP{self.tensor_parallel}, EP{self.expert_parallel}, DP{self.data_parallel}"

    @property
    def is_moe(self) -> bool:
        """Mixture of experts: fewer parameters active per token than stored."""
        return self.architecture == "MoE" or bool(
            self.params_b and self.activated_params_b and self.activated_params_b < self.params_b)

    @property
    def configuration(self) -> tuple[object, ...]:
        """Everything that defines a measured configuration (reruns of one share it)."""
        return (self.experiment, self.engine, self.gpu, self.model, self.hf_id, self.precision, self.batch_size,
                self.num_gpus, self.tensor_parallel, self.expert_parallel, self.data_parallel, self.role)

    @property
    def identity_ok(self) -> bool:
        return not self.identity.startswith("failed")

    @property
    def spread_pct(self) -> float | None:
        """For a mean over reruns: (highest - lowest) / lowest energy per token x 100."""
        values = [r.energy_j_per_1k_tok for r in self.runs if r.energy_j_per_1k_tok]
        return round((max(values) - min(values)) / min(values) * 100, 1) if len(values) > 1 else None


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
    iso3: str | None = None
    default: bool = False
    grid_gco2_per_kwh: float | None
    usd_per_kwh: float | None
    source: str


class Dataset(BaseModel):
    """Everything the tools read."""

    measurements: tuple[Measurement, ...]
    gpus: dict[str, GpuProfile]
    regions: dict[str, Region]

    def row(self, row_id: str) -> Measurement:
        """The row with this id (ids are unique; a mean over reruns is "S259+S260")."""
        return self._by_id[row_id]

    @cached_property
    def _by_id(self) -> dict[str, Measurement]:
        return {m.row_id: m for m in (*self.measurements, *self._primary)}

    def primary(self) -> list[Measurement]:
        """Primary rows, with the reruns of one configuration replaced by their mean (see `mean_of_runs`)."""
        return list(self._primary)

    @cached_property
    def _primary(self) -> tuple[Measurement, ...]:
        groups: dict[tuple[object, ...], list[Measurement]] = {}
        for m in self.measurements:
            if m.role == "primary":
                groups.setdefault(m.configuration if m.repeat_total else (m.row_id,), []).append(m)
        return tuple(g[0] if len(g) == 1 else mean_of_runs(g) for g in groups.values())

    def flagged(self) -> list[Measurement]:
        return [m for m in self.measurements if not m.identity_ok]


_MEAN_FIELDS = ("energy_j_per_1k_tok", "throughput_tok_s", "power_w", "median_itl_ms", "p99_itl_ms",
                "energy_j_per_request", "achieved_batch", "max_new_tokens")


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 4) if len(known) == len(values) and known else None


def mean_of_runs(runs: list[Measurement]) -> Measurement:
    """One configuration measured several times: the mean of each value, with every run kept in `runs`.

    The source lists these runs with identical settings; no run is preferred, so answers use the mean
    and show each run's value and the spread (highest - lowest) / lowest.
    """
    ids = [m.row_id for m in runs]
    mean = {f: _mean([getattr(m, f) for m in runs]) for f in _MEAN_FIELDS}
    return runs[0].model_copy(update={
        **mean, "row_id": "+".join(ids), "n_runs": len(runs), "repeat_index": None,
        "runs": tuple(Run(**{f: getattr(m, f) for f in Run.model_fields}) for m in runs),
        "identity": ("derived: mean of " + ", ".join(ids) + "; each run " +
                     ("ok" if all(m.identity_ok for m in runs) else "NOT ok: " + "; ".join(m.identity for m in runs))),
        "notes": f"mean of {len(runs)} runs of one configuration ({', '.join(ids)}); " + runs[0].notes,
    })


def _text(name: str) -> str:  # a CSV under references/data/
    return resources.files("ecocompute.references.data").joinpath(name).read_text(encoding="utf-8")


def csv_rows(name: str) -> list[dict[str, str]]:  # its rows, as strings by column name
    return list(csv.DictReader(_text(name).splitlines()))


def _measurements(name: str, idle_w: dict[str, float | None]) -> list[Measurement]:
    """The rows of one measurements CSV, each validated once with its energy identity (checked on the
    cells' numbers). Before validation a blank cell is None (a blank `num_gpus` is 1; source cells stay
    as written); tests/tools/test_dataset.py checks both against the file."""
    reader = csv.reader(_text(name).splitlines())
    header = next(reader)
    columns = [(i, column) for i, column in enumerate(header) if column not in _SOURCE_COLUMNS]
    source = [(header.index(column), key) for column, key in _SOURCE_COLUMNS.items()]
    out = []
    for cells in reader:
        if len(cells) != len(header):
            raise ValueError(f"{name}: a row has {len(cells)} cells for {len(header)} columns")
        data: dict[str, object] = {column: cells[i] or None for i, column in columns}
        data["source"] = {key: cells[i] for i, key in source}
        data["num_gpus"] = data["num_gpus"] or "1"
        power, throughput, energy = (None if data[c] is None else float(str(data[c]))
                                     for c in ("power_w", "throughput_tok_s", "energy_j_per_1k_tok"))
        data["identity"] = _identity(power, throughput, energy, data["energy_basis"], idle_w.get(str(data["gpu"])))
        out.append(Measurement.model_validate(data))
    return out


def identity_status(m: Measurement, idle_w: float | None) -> str:
    """Check energy = (power - idle) / throughput x 1000, idle only for net-of-idle rows."""
    return _identity(m.power_w, m.throughput_tok_s, m.energy_j_per_1k_tok, m.energy_basis, idle_w)


def _identity(power: float | None, tok_s: float | None, energy: float | None, basis: object, idle: float | None) -> str:
    if power is None or not tok_s or energy is None:
        return "not checkable (no power or throughput)"
    subtract = idle if basis == "net_of_idle" and idle is not None else 0.0
    computed = (power - subtract) / tok_s * 1000
    ratio = energy / computed
    label = f"listed/computed={ratio:.4f}" + (f" with idle {subtract:g} W removed" if subtract else "")
    return ("ok: " if abs(ratio - 1) <= IDENTITY_TOLERANCE else "failed: ") + label


def _gpus() -> dict[str, GpuProfile]:
    merged: dict[str, dict[str, object]] = {}
    for row in csv_rows("gpus.csv"):
        entry = merged.setdefault(row["gpu"], {"gpu": row["gpu"], "name": row["gpu_name"],
                                               "measured": False})
        for field in ("architecture", "vram_gb", "tdp_w", "idle_w"):
            if entry.get(field) is None and row[field]:
                entry[field] = row[field]
        entry["measured"] = bool(entry["measured"]) or row["measured_in_repos"] == "yes"
    return {k: GpuProfile.model_validate({"architecture": "", "vram_gb": None, "tdp_w": None,
                                          "idle_w": None, **v}) for k, v in merged.items()}


def _regions() -> dict[str, Region]:
    """The regions of regions.csv (key -> a row of grid_and_prices.csv), declared once there."""
    rows = {r["region"]: r for r in csv_rows("grid_and_prices.csv")}
    out = {}
    for spec in csv_rows("regions.csv"):
        row = rows[spec["row"]]
        out[spec["key"]] = Region(
            key=spec["key"], label=spec["row"], iso3=spec["iso3"] or None, default=spec["default"] == "yes",
            grid_gco2_per_kwh=float(row["grid_gco2_per_kwh"]) if row["grid_gco2_per_kwh"] else None,
            usd_per_kwh=float(row["electricity_usd_per_kwh"]) if row["electricity_usd_per_kwh"] else None,
            source=f"{row['source_repo']}:{row['source_path']}@{row['source_commit']} ({row['source_section']})",
        )
    if sum(r.default for r in out.values()) != 1:
        raise ValueError("regions.csv must mark exactly one default region")
    return out


@cache
def load() -> Dataset:
    """Load, validate and identity-check the dataset once per process."""
    gpus = _gpus()
    idle_w = {key: gpu.idle_w for key, gpu in gpus.items()}
    rows = tuple(m for name in ("measurements.csv", "serving_measurements.csv") for m in _measurements(name, idle_w))
    for m in rows:  # GPUs known only from measurements (e.g. serving-only B200)
        gpus.setdefault(m.gpu, GpuProfile(gpu=m.gpu, name=m.gpu_name, architecture="", vram_gb=None,
                                          tdp_w=None, idle_w=None, measured=True))
    return Dataset(measurements=rows, gpus=gpus, regions=_regions())
