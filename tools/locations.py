"""Where the electricity comes from: grid intensity per country (plus World) and per cloud region, and a resolver.

A location string resolves, in this order, to a cloud region (`gcp:europe-west4`, or `europe-west4` when
one provider has it), a country (ISO-2, ISO-3, English name, common aliases, Chinese names) or World, or
one of the regions of `regions.csv` (rows of `grid_and_prices.csv`). The result names the row, the one
intensity basis used (never two mixed) and the price, each with its provenance.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ecocompute.tools.dataset import Region, csv_rows, load
from ecocompute.tools.errors import ToolInputError, UnknownName, conflicting

if TYPE_CHECKING:  # the name index is imported when a location is given (an estimate without one needs none)
    from ecocompute.tools import place_names

GridBasis = Literal["codecarbon", "ecologits"]
Kind = Literal["cloud_region", "country", "world", "region"]
BASIS_COLUMN: dict[GridBasis, str] = {"codecarbon": "grid_gco2_per_kwh", "ecologits": "ecologits_gco2e_per_kwh"}
WORLD = "WOR"
RowT = TypeVar("RowT")
ACCEPTED = ("a country (name, ISO-2 or ISO-3 code, e.g. 'Germany', 'DE', 'DEU', '德国'), a cloud region "
            "('gcp:europe-west4'), 'World', or a region key ('eu')")


class _Row(BaseModel):
    # Built on first validation: an estimate without a location reads neither file.
    model_config = ConfigDict(frozen=True, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


class Country(_Row):
    """One row of grid_by_country.csv: two intensity bases, each with its own source."""

    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    country: str = Field(min_length=1)
    grid_gco2_per_kwh: float | None = Field(None, ge=0, le=3000)
    grid_year: int | None = None
    ecologits_gco2e_per_kwh: float | None = Field(None, ge=0, le=3000)
    grid_source: str | None = None
    ecologits_source: str | None = None

    @model_validator(mode="after")
    def _sourced(self) -> Country:
        if self.grid_gco2_per_kwh is None and self.ecologits_gco2e_per_kwh is None:
            raise ValueError(f"{self.iso3}: no intensity on either basis")
        for basis, column in BASIS_COLUMN.items():
            if getattr(self, column) is not None and not self.source(basis):
                raise ValueError(f"{self.iso3}: {column} without a source")
        return self

    def intensity(self, basis: GridBasis) -> float | None:
        return getattr(self, BASIS_COLUMN[basis])

    def source(self, basis: GridBasis) -> str | None:
        return self.grid_source if basis == "codecarbon" else self.ecologits_source


class CloudRegion(_Row):
    """One row of cloud_regions.csv: the provider's published intensity for a region."""

    provider: str = Field(pattern=r"^[a-z]+$")
    region: str = Field(pattern=r"^[a-z0-9-]+$")
    country: str
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    city: str
    grid_gco2_per_kwh: float = Field(gt=0, le=3000)
    upstream_source: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @property
    def key(self) -> str:
        return f"{self.provider}:{self.region}"


class GridUsed(BaseModel):
    """The grid an estimate used: which row, which intensity basis, the intensity and the price, with provenance."""

    given: str | None = Field(description="The location as given; null = the default region")
    kind: Kind | Literal["default"]
    name: str
    iso3: str | None
    row: str = Field(description="file and row the intensity comes from")
    intensity_basis: str = Field(description="the one column used, e.g. grid_gco2_per_kwh (codecarbon)")
    grid_gco2_per_kwh: float | None = Field(description="gCO2 (or gCO2e) per kWh")
    grid_source: str | None
    usd_per_kwh: float | None = Field(description="USD per kWh")
    price_source: str | None
    statement: str


@cache
def countries() -> dict[str, Country]:
    """grid_by_country.csv, validated: ISO-3 codes unique, intensities in range, a source for every value."""
    return _unique([Country.model_validate(r) for r in csv_rows("grid_by_country.csv")], lambda c: c.iso3)


@cache
def cloud_regions() -> dict[str, CloudRegion]:
    """cloud_regions.csv, validated; keyed 'provider:region'. Every region's country is in grid_by_country.csv."""
    rows = _unique([CloudRegion.model_validate(r) for r in csv_rows("cloud_regions.csv")], lambda c: c.key)
    unknown = [c.key for c in rows.values() if c.iso3 not in countries()]
    if unknown:
        raise ValueError(f"cloud_regions.csv: countries not in grid_by_country.csv for {unknown}")
    return rows


@cache
def names() -> place_names.NameIndex:
    """Every name, code and alias a location resolves from."""
    from ecocompute.tools import place_names

    aliases = [(r["alias"], r["target"]) for r in csv_rows("location_aliases.csv")]
    return place_names.build({k: (c.provider, c.region) for k, c in cloud_regions().items()},
                             {k: c.country for k, c in countries().items()},
                             {k: r.label for k, r in load().regions.items()}, aliases)


def resolve(location: str | None, basis: GridBasis | None = None) -> GridUsed:
    """The row, basis, intensity and price for a location; unknown names get a did-you-mean error."""
    if location is None or not location.strip():
        return _region(default_region(), None, basis, kind="default")
    target = names().targets.get(_normalise(location))
    if target is None:
        raise unknown(location)
    if target.kind == "cloud_region":
        return _cloud(cloud_regions()[target.key], location, basis)
    if target.kind == "country":
        return _country(countries()[target.key], location, basis)
    return _region(load().regions[target.key], location, basis)


def resolve_location(location: str | None, basis: GridBasis | None, grid_gco2_per_kwh: float | None,
                     usd_per_kwh: float | None) -> GridUsed:
    """`resolve`, then the caller's own intensity or price in place of the data's (each labelled 'user')."""
    used = resolve(location, basis)
    update: dict[str, object] = {}
    if grid_gco2_per_kwh is not None:
        update |= {"grid_gco2_per_kwh": grid_gco2_per_kwh, "grid_source": "user", "row": f"user value ({used.row} not used)",
                   "intensity_basis": "user (grid_gco2_per_kwh given)"}
    if usd_per_kwh is not None:
        update |= {"usd_per_kwh": usd_per_kwh, "price_source": "user"}
    if not update:
        return used
    merged = used.model_copy(update=update)
    grid = f"{merged.grid_gco2_per_kwh:g} gCO2/kWh" if merged.grid_gco2_per_kwh is not None else "no intensity"
    price = f"{merged.usd_per_kwh:g} USD/kWh" if merged.usd_per_kwh is not None else "no electricity price in the data"
    return merged.model_copy(update={"statement": f"Grid: {merged.name}, {merged.row}, {merged.intensity_basis}: {grid}; "
                                                  f"{price}" + (" (given)" if usd_per_kwh is not None else "") + "."})


def canonical(location: str) -> str | None:
    """The canonical spelling of a known location (cloud key, curated country name, region key), else None."""
    target = names().targets.get(_normalise(location))
    if target is None:
        return None
    return countries()[target.key].country if target.kind == "country" else target.key


def unknown(location: str) -> ToolInputError:
    """Did-you-mean error: the closest known names, and the forms accepted."""
    index = names()
    shown = location if len(location) <= 60 else location[:57] + "..."
    given = _normalise(location[:200])
    cjk = re.search(r"[\u3400-\u9fff]", given) is not None  # two-character names: one wrong character is a 0.5 match
    pool = [name for name in index.targets if (re.search(r"[\u3400-\u9fff]", name) is not None) == cjk]
    close = difflib.get_close_matches(given, pool, n=12, cutoff=0.5 if cjk else 0.72)
    suggestions = list(dict.fromkeys(canonical(index.display[c]) or index.display[c] for c in close))[:5]
    hint = f" Did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    details = UnknownName(kind="location", given=shown, did_you_mean=suggestions, covered=covered())
    return ToolInputError(f"Unknown location {shown!r}.{hint} Give {ACCEPTED}.", tuple(suggestions),
                          code="unknown_name", details=details)


def _normalise(text: str) -> str:
    from ecocompute.tools import place_names

    return place_names.normalise(text)


def covered() -> list[str]:
    """The canonical location names: curated country names (and World), cloud region keys, region keys."""
    return ([c.country for c in countries().values()] + list(cloud_regions()) + list(load().regions))


def default_region() -> Region:
    return next(r for r in load().regions.values() if r.default)


def _country(c: Country, given: str, asked: GridBasis | None) -> GridUsed:
    basis: GridBasis = asked or ("codecarbon" if c.grid_gco2_per_kwh is not None else "ecologits")
    value = c.intensity(basis)
    if value is None:
        raise conflicting(f"The {basis} basis ({BASIS_COLUMN[basis]}) has no intensity for {c.country}; "
                          "ask for the other grid_basis or give grid_gco2_per_kwh.", "region", "grid_basis")
    column = f"{BASIS_COLUMN[basis]} ({basis}" + (f", year {c.grid_year})" if basis == "codecarbon" and c.grid_year else ")")
    note = "" if asked or basis == "codecarbon" else "; codecarbon has no figure for this row, so the EcoLogits basis is used"
    price, price_source = _price(c.iso3)
    unit = "gCO2/kWh" if basis == "codecarbon" else "gCO2e/kWh"
    kind: Kind = "world" if c.iso3 == WORLD else "country"
    return _used(given, kind, c.country, c.iso3, f"grid_by_country.csv {c.iso3}", column, f"{value:g} {unit}",
                 value, c.source(basis), price, price_source, note)


def _cloud(c: CloudRegion, given: str, asked: GridBasis | None) -> GridUsed:
    if asked == "ecologits":
        raise conflicting(f"EcoLogits has no figure per cloud region; {c.key} has the provider's intensity only. "
                          f"For the EcoLogits basis give its country ({countries()[c.iso3].country}).", "region", "grid_basis")
    price, price_source = _price(c.iso3)
    name = f"{c.key} ({c.city}, {c.country})"
    return _used(given, "cloud_region", name, c.iso3, f"cloud_regions.csv {c.key}",
                 "grid_gco2_per_kwh (the provider's published region intensity)", f"{c.grid_gco2_per_kwh:g} gCO2e/kWh", c.grid_gco2_per_kwh,
                 f"{c.source}; upstream {c.upstream_source}", price, price_source, "")


def _region(r: Region, given: str | None, asked: GridBasis | None, kind: Literal["region", "default"] = "region") -> GridUsed:
    if asked is not None:
        raise conflicting(f"{r.label} is a grid_and_prices.csv row with one intensity; grid_basis applies to countries "
                          "and World (e.g. 'France' or 'World').", "region", "grid_basis")
    price_source = f"grid_and_prices.csv '{r.label}': {r.source}" if r.usd_per_kwh is not None else None
    note = "; no location given, the skill's default row" if kind == "default" else ""
    value = f"{r.grid_gco2_per_kwh:g} gCO2/kWh" if r.grid_gco2_per_kwh is not None else "no intensity"
    return _used(given, kind, r.label, r.iso3, f"grid_and_prices.csv '{r.label}'", "grid_gco2_per_kwh (skill reference)",
                 value, r.grid_gco2_per_kwh, r.source, r.usd_per_kwh, price_source, note)


def _price(iso3: str) -> tuple[float | None, str | None]:
    """A price only where grid_and_prices.csv has one for this country (via regions.csv)."""
    for r in load().regions.values():
        if r.iso3 == iso3 and r.usd_per_kwh is not None:
            return r.usd_per_kwh, f"grid_and_prices.csv '{r.label}': {r.source}"
    return None, None


def _used(given: str | None, kind: Kind | Literal["default"], name: str, iso3: str | None, row: str, column: str,
          value_text: str, value: float | None, source: str | None, price: float | None, price_source: str | None,
          note: str) -> GridUsed:
    price_text = (f"{price:g} USD/kWh from {price_source.split(': ')[0]}" if price is not None and price_source
                  else "no electricity price in the data")
    statement = f"Grid: {name}, {row}, {column}: {value_text}; {price_text}{note}."
    return GridUsed(given=given, kind=kind, name=name, iso3=iso3, row=row, intensity_basis=column, grid_gco2_per_kwh=value,
                    grid_source=source, usd_per_kwh=price, price_source=price_source, statement=statement)


def _unique(rows: list[RowT], key: Callable[[RowT], str]) -> dict[str, RowT]:
    out: dict[str, RowT] = {}
    for row in rows:
        if key(row) in out:
            raise ValueError(f"duplicate location row {key(row)!r}")
        out[key(row)] = row
    return out

