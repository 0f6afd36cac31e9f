"""Every name a location can be given by, normalised once: cloud regions, countries, World and today's regions.

Country names come from the curated file, from ISO 3166-1 via pycountry (alpha-2, alpha-3, name, common
and official name, and the zh_CN / zh_TW / zh_HK translations of the name and official name that pycountry
ships) and from `references/data/location_aliases.csv`. When two targets of one kind claim the same name,
the name is dropped and recorded as ambiguous; across kinds the order is cloud region, country, region.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

CLOUD_PROVIDER_NAMES = {"gcp": ("gcp", "google cloud", "google cloud platform", "google", "gcloud")}
ZH_LOCALES = ("zh_CN", "zh_TW", "zh_HK")


def normalise(text: str) -> str:
    """Case, accents, dots, apostrophes and separators folded: 'GCP:europe-west4' -> 'gcp europe west4'."""
    text = unicodedata.normalize("NFKD", text.strip()).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("&", " and ")
    text = re.sub(r"[.'’]", "", text)
    text = re.sub(r"[^\w]+|_", " ", text).strip()
    return re.sub(r"^the\s+", "", text)


@dataclass(frozen=True)
class Target:
    """What a name points at: a cloud region ('gcp:europe-west4'), a country ISO-3 (or 'WOR'), or a region key."""

    kind: str
    key: str


@dataclass
class NameIndex:
    """Normalised name -> target, with a display form per name and the names dropped as ambiguous."""

    targets: dict[str, Target] = field(default_factory=dict)
    display: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, set[Target]] = field(default_factory=dict)

    def add(self, name: str, target: Target) -> None:
        key = normalise(name)
        if not key or key in self.ambiguous:
            return
        old = self.targets.get(key)
        if old is None:
            self.targets[key], self.display[key] = target, name
        elif old != target and old.kind == target.kind:
            self.ambiguous[key] = {old, target}
            del self.targets[key], self.display[key]
        # a name already held by an earlier kind stays with it (cloud region, then country, then region)


def pycountry_names(iso3: str) -> list[str]:
    """ISO 3166-1 codes and names of a country, with their Chinese translations (pycountry)."""
    import pycountry  # imported on first use: only location resolution needs it

    entry = pycountry.countries.get(alpha_3=iso3)
    if entry is None:
        return []
    english = [entry.name, getattr(entry, "common_name", None), getattr(entry, "official_name", None)]
    names = [entry.alpha_2, entry.alpha_3] + [n for n in english if n]
    for catalogue in _translations():
        names += [catalogue.gettext(n) for n in english if n]
    return names


@cache
def _translations() -> tuple[gettext.NullTranslations, ...]:
    import pycountry

    return tuple(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[loc]) for loc in ZH_LOCALES)


def build(cloud: dict[str, tuple[str, str]], countries: dict[str, str], regions: dict[str, str],
          aliases: list[tuple[str, str]]) -> NameIndex:
    """cloud: key -> (provider, region); countries: ISO-3 -> curated name; regions: key -> row label."""
    index = NameIndex()
    bare: dict[str, list[str]] = {}
    for key, (provider, region) in cloud.items():
        bare.setdefault(region, []).append(key)
        _add_cloud(index, provider, region, Target("cloud_region", key))
    for region, keys in bare.items():
        if len(keys) == 1:  # a bare region name only when one provider has it
            index.add(region, Target("cloud_region", keys[0]))
    for iso3, name in countries.items():
        for alias in [name, iso3, *pycountry_names(iso3)]:
            index.add(alias, Target("country", iso3))
    for key, label in regions.items():
        index.add(key, Target("region", key))
        index.add(label, Target("region", key))
    for alias, target in aliases:
        resolved = _alias_target(target, cloud, countries, regions)
        if resolved.kind == "cloud_region" and ":" in alias:  # a provider:region alias, in every provider spelling
            provider, region = alias.split(":", 1)
            _add_cloud(index, provider, region, resolved)
            bare.setdefault(region, []).append(target)
            if len(bare[region]) == 1:
                index.add(region, resolved)
        else:
            index.add(alias, resolved)
    return index


def _add_cloud(index: NameIndex, provider: str, region: str, target: Target) -> None:
    for word in CLOUD_PROVIDER_NAMES.get(provider, (provider,)):
        index.add(f"{word}:{region}", target)


def _alias_target(target: str, cloud: dict[str, tuple[str, str]], countries: dict[str, str],
                  regions: dict[str, str]) -> Target:
    tables: tuple[tuple[str, dict[str, tuple[str, str]] | dict[str, str]], ...] = (
        ("cloud_region", cloud), ("country", countries), ("region", regions))
    for kind, table in tables:
        if target in table:
            return Target(kind, target)
    raise ValueError(f"location_aliases.csv: target {target!r} is not a cloud region, ISO-3 code or region key")
