"""The offline engine reads locations and the intensity basis with the tools' location vocabulary."""

from __future__ import annotations

import pytest

from ecocompute.offline.parse import parse
from ecocompute.offline.places import grid_basis, location
from ecocompute.tools.locations import resolve


@pytest.mark.parametrize(("text", "expected"), [
    ("Monthly CO2 of Mistral-7B in Germany?", "Germany"),
    ("We run on GCP europe-west4.", "gcp:europe-west4"),
    ("on google cloud us-central1, 1M requests", "gcp:us-central1"),
    ("在德国部署 Mistral-7B，每月碳排放？", "Germany"),
    ("服务器部署在巴西", "Brazil"),
    ("deployed in Brazil, 1M requests", "Brazil"),
    ("servers in DE", "Germany"),
    ("in the U.S.", "United States"),
    ("印度尼西亚的数据中心", "Indonesia"),  # the longer name wins over India inside it
    ("Qwen2.5-7B on H100 in the EU", "eu"),
    ("the world average grid", "World"),
    ("a cloud region first: Germany users, served from europe-west4", "gcp:europe-west4"),
])
def test_known_places_are_read_as_names_the_tool_resolves(text: str, expected: str):
    assert location(text) == expected
    resolve(expected)


@pytest.mark.parametrize("text", [
    "Help us estimate the cost", "A800 with 80 GB in IT", "global batch size 64", "in chad we trust",
    "其中非常重要", "batch size 8, BS 8", "Mistral-7B FP16 on an RTX 4090D", "results based in FP16",
])
def test_words_that_only_look_like_places_are_not_read(text: str):
    assert location(text) is None


@pytest.mark.parametrize(("text", "given"), [("deployed in Atlantis", "Atlantis"),
                                             ("on GCP europe-west99", "gcp:europe-west99"),
                                             ("部署在亚特兰蒂斯的A800", "亚特兰蒂斯")])
def test_an_unknown_named_place_is_passed_on_for_the_tool_to_reject(text: str, given: str):
    assert location(text) == given


def test_the_basis_is_read_when_named():
    assert grid_basis("using the EcoLogits figures") == "ecologits"
    assert grid_basis("codecarbon's grid intensity") == "codecarbon"
    assert grid_basis("the grid intensity") is None


def test_parse_passes_location_and_basis_on():
    intent = parse("Estimate monthly CO2 for 1M requests of Mistral-7B FP16 on an A800 in France with EcoLogits.")
    assert (intent.region, intent.grid_basis) == ("France", "ecologits")
