"""The dataset loads, validates, and flags rows that break the energy identity."""

from ecocompute.tools.dataset import identity_status, load


def test_every_row_loads_with_provenance_and_unique_ids():
    data = load()
    ids = [m.row_id for m in data.measurements]
    assert len(ids) == len(set(ids))
    assert all(m.source.repo and m.source.path and m.source.commit for m in data.measurements)
    assert {m.engine for m in data.measurements} == {"transformers", "vllm"}
    assert all(m.experiment for m in data.measurements)


def test_identity_check_passes_for_gross_rows_and_net_rows_with_idle_removed():
    data = load()
    checked = [m for m in data.measurements if m.identity.startswith(("ok", "failed"))]
    assert checked, "no row was checkable"
    for m in checked:
        idle = data.gpus[m.gpu].idle_w if m.energy_basis == "net_of_idle" else 0
        computed = (m.power_w - (idle or 0)) / m.throughput_tok_s * 1000
        assert m.identity_ok == (abs(m.energy_j_per_1k_tok / computed - 1) <= 0.01), m.row_id


def test_failed_rows_are_flagged_not_dropped():
    data = load()
    flagged = data.flagged()
    assert flagged, "expected the ecocompute-ai A800 rows averaged per run to fail the 1% check"
    assert all(m in data.measurements for m in flagged)
    assert all(m.identity.startswith("failed") for m in flagged)


def test_identity_status_reports_unchecked_rows():
    row = next(m for m in load().measurements if m.power_w is None)
    assert identity_status(row, None).startswith("not checkable")


def test_regions_carry_provenance():
    regions = load().regions
    assert {"us", "china"} <= set(regions)
    assert all(r.source for r in regions.values())


def test_every_cell_loads_as_written_blank_as_none():
    """The loader converts only blank cells (to None) before pydantic validates a row; every other
    cell, read here independently with csv.DictReader, is the loaded value."""
    import csv
    from importlib import resources

    data = load()
    by_id = {m.row_id: m for m in data.measurements}
    seen = 0
    for name in ("measurements.csv", "serving_measurements.csv"):
        text = resources.files("ecocompute.references.data").joinpath(name).read_text(encoding="utf-8")
        for row in csv.DictReader(text.splitlines()):
            m = by_id[row["row_id"]]
            seen += 1
            for column, cell in row.items():
                if column.startswith("source_"):
                    assert getattr(m.source, column.removeprefix("source_")) == cell
                    continue
                value = getattr(m, column)
                if cell == "":
                    assert value == (1 if column == "num_gpus" else None), (m.row_id, column)
                else:
                    assert type(value) in (str, int, float) and value == type(value)(cell), (m.row_id, column)
    assert seen == len(data.measurements)


def test_identity_is_checked_on_the_validated_values():
    data = load()
    for m in data.measurements:
        assert m.identity == identity_status(m, data.gpus[m.gpu].idle_w), m.row_id
