"""Grid intensity by country and cloud region: loading, validation and the location resolver."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from pydantic import ValidationError

from ecocompute.tools import locations as loc
from ecocompute.tools.dataset import load
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.place_names import normalise


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("ecocompute.references.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_both_files_load_validated_with_provenance_on_every_row():
    countries, clouds = loc.countries(), loc.cloud_regions()
    assert len(countries) == len(_csv("grid_by_country.csv")) and loc.WORLD in countries
    assert len(clouds) == len(_csv("cloud_regions.csv"))
    for c in countries.values():
        assert c.grid_gco2_per_kwh is None or c.grid_source
        assert c.ecologits_gco2e_per_kwh is None or c.ecologits_source
    assert all(c.source and c.upstream_source and c.grid_gco2_per_kwh > 0 for c in clouds.values())


def test_zero_intensities_are_only_the_rows_that_list_zero():
    zeros = {c.iso3 for c in loc.countries().values() if 0 in (c.grid_gco2_per_kwh, c.ecologits_gco2e_per_kwh)}
    listed = {r["iso3"] for r in _csv("grid_by_country.csv")
              if "0" in (r["grid_gco2_per_kwh"], r["ecologits_gco2e_per_kwh"])}
    assert zeros == listed


def test_validation_rejects_a_negative_intensity_and_a_value_without_source():
    with pytest.raises(ValidationError):
        loc.Country(iso3="XXX", country="X", grid_gco2_per_kwh=-1, grid_source="s")
    with pytest.raises(ValidationError):
        loc.Country(iso3="XXX", country="X", ecologits_gco2e_per_kwh=10)
    with pytest.raises(ValueError, match="duplicate"):
        loc._unique([loc.countries()["DEU"], loc.countries()["DEU"]], lambda c: c.iso3)


@pytest.mark.parametrize("name", ["Germany", "germany", "DE", "DEU", "Deutschland", "德国", "德國", " the Germany "])
def test_a_country_by_name_code_alias_and_chinese_name(name: str):
    used = loc.resolve(name)
    assert (used.kind, used.iso3, used.row) == ("country", "DEU", "grid_by_country.csv DEU")
    row = loc.countries()["DEU"]
    assert used.grid_gco2_per_kwh == row.grid_gco2_per_kwh and used.grid_source == row.grid_source
    assert used.intensity_basis.startswith("grid_gco2_per_kwh (codecarbon")


@pytest.mark.parametrize("name", ["US", "USA", "U.S.", "United States", "America", "美国"])
def test_united_states_forms_are_one_row_with_the_us_price(name: str):
    used = loc.resolve(name)
    assert used.iso3 == "USA" and used.kind == "country"
    assert used.usd_per_kwh == load().regions["us"].usd_per_kwh and "US (skill default)" in used.price_source


def test_the_chinese_names_the_offline_vocabulary_used_all_resolve():
    expected = {"美国": "USA", "中国": "CHN", "法国": "FRA", "挪威": "NOR", "印度": "IND", "德国": "DEU", "日本": "JPN",
                "英国": "GBR", "韩国": "KOR", "巴西": "BRA", "加拿大": "CAN", "澳大利亚": "AUS", "新加坡": "SGP", "全球": "WOR"}
    assert {name: loc.resolve(name).iso3 for name in expected} == expected
    assert loc.resolve("欧洲").kind == loc.resolve("欧盟").kind == "region"


@pytest.mark.parametrize("name", ["gcp:europe-west4", "europe-west4", "GCP europe-west4", "google cloud europe-west4"])
def test_a_cloud_region_with_or_without_provider(name: str):
    used = loc.resolve(name)
    row = loc.cloud_regions()["gcp:europe-west4"]
    assert (used.kind, used.row, used.iso3) == ("cloud_region", "cloud_regions.csv gcp:europe-west4", row.iso3)
    assert used.grid_gco2_per_kwh == row.grid_gco2_per_kwh and row.source in used.grid_source


def test_the_misspelt_source_region_answers_to_its_real_name():
    assert loc.resolve("gcp:me-central1").row == loc.resolve("me-cenrtal1").row == "cloud_regions.csv gcp:me-cenrtal1"


def test_a_cloud_region_takes_its_countrys_price_row_only():
    us = loc.resolve("us-central1")
    assert us.usd_per_kwh == load().regions["us"].usd_per_kwh
    assert loc.resolve("europe-west3").usd_per_kwh is None


def test_today_regions_come_from_regions_csv_and_resolve_after_countries():
    keys = [r["key"] for r in _csv("regions.csv")]
    assert list(load().regions) == keys
    assert loc.resolve("eu").kind == "region" and loc.resolve("EU Average").row == "grid_and_prices.csv 'EU Average'"
    assert loc.resolve("france").kind == "country"  # a country name is a country first
    default = loc.resolve(None)
    assert default.kind == "default" and default.row == f"grid_and_prices.csv '{loc.default_region().label}'"


def test_the_other_basis_on_request_never_mixed():
    row = loc.countries()["FRA"]
    eco = loc.resolve("France", "ecologits")
    assert eco.grid_gco2_per_kwh == row.ecologits_gco2e_per_kwh and eco.grid_source == row.ecologits_source
    assert "ecologits" in eco.intensity_basis and "codecarbon" not in eco.statement
    cc = loc.resolve("France", "codecarbon")
    assert cc.grid_gco2_per_kwh == row.grid_gco2_per_kwh and "ecologits" not in cc.statement


def test_world_uses_the_only_basis_it_has_and_says_so():
    row = loc.countries()[loc.WORLD]
    world = loc.resolve("World")
    assert world.kind == "world" and world.grid_gco2_per_kwh == row.ecologits_gco2e_per_kwh
    assert "codecarbon has no figure" in world.statement
    with pytest.raises(ToolInputError, match="codecarbon"):
        loc.resolve("World", "codecarbon")


def test_a_basis_for_a_row_with_one_intensity_is_refused():
    with pytest.raises(ToolInputError, match="EcoLogits"):
        loc.resolve("gcp:europe-west4", "ecologits")
    with pytest.raises(ToolInputError, match="grid_basis"):
        loc.resolve("eu", "ecologits")


@pytest.mark.parametrize(("given", "close"), [("Germny", "Germany"), ("Brazill", "Brazil"),
                                              ("europe-west99", "gcp:europe-west9"), ("德过", "Germany"), ("巴酉", "Brazil")])
def test_unknown_locations_get_did_you_mean(given: str, close: str):
    with pytest.raises(ToolInputError) as info:
        loc.resolve(given)
    assert "Did you mean" in info.value.message and close in info.value.choices


def test_an_unknown_place_with_nothing_close_lists_the_accepted_forms():
    with pytest.raises(ToolInputError) as info:
        loc.resolve("Atlantis")
    assert "Unknown location 'Atlantis'" in info.value.message and "gcp:europe-west4" in info.value.message


def test_every_country_and_cloud_region_resolves_to_itself_and_no_name_is_ambiguous():
    index = loc.names()
    assert not index.ambiguous
    for iso3, c in loc.countries().items():
        assert loc.resolve(c.country).iso3 == iso3 and loc.resolve(iso3).iso3 == iso3
        assert loc.canonical(c.country) == c.country
    for key in loc.cloud_regions():
        assert loc.resolve(key).row == f"cloud_regions.csv {key}"


def test_every_alias_points_at_a_known_target():
    for row in _csv("location_aliases.csv"):
        assert normalise(row["alias"]) in loc.names().targets, row


def test_user_overrides_are_labelled():
    used = loc.resolve_location("Germany", None, 100.0, 0.3)
    assert (used.grid_gco2_per_kwh, used.grid_source, used.usd_per_kwh, used.price_source) == (100.0, "user", 0.3, "user")
    assert "DEU" in used.row and "user" in used.intensity_basis


def test_errors_carry_typed_codes_and_details():
    with pytest.raises(ToolInputError) as info:
        loc.resolve("Germny")
    assert info.value.code == "unknown_name" and info.value.details.kind == "location"
    assert info.value.details.did_you_mean == ["Germany"] and "gcp:europe-west4" in info.value.details.covered
    with pytest.raises(ToolInputError) as info:
        loc.resolve("eu", "ecologits")
    assert info.value.code == "conflicting_arguments" and info.value.details.names == ["region", "grid_basis"]
