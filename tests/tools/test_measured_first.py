"""Measured rows first: recommendations and estimates choose among measured rows, savings stay in one
experiment, serving figures carry their latency and their measured energy per request. Every expected
value is computed from the dataset here, never typed in."""

from __future__ import annotations

import pytest

from ecocompute.registry import run_tool
from ecocompute.tools.common import comparable
from ecocompute.tools.dataset import load
from ecocompute.tools.engines import engine
from ecocompute.tools.estimate import estimate_cost
from ecocompute.tools.names import gpu_and_count
from ecocompute.tools.recommend import MAX_BATCH_FOR_USE, recommend_config
from ecocompute.tools.recommend_serving import DEFAULT_DEADLINE_MS

DATA = load()
EAGER_PAIRS = sorted({(m.gpu, m.model) for m in DATA.primary() if not engine(m.engine).serving and m.num_gpus == 1})
SERVING = sorted({(m.gpu, m.model, m.num_gpus) for m in DATA.primary() if engine(m.engine).serving})


@pytest.mark.parametrize("use_case", ["interactive", "api", "batch"])
@pytest.mark.parametrize(("gpu", "model"), EAGER_PAIRS)
def test_a_measured_configuration_beats_an_extrapolated_one_in_recommend(gpu: str, model: str, use_case: str) -> None:
    res = recommend_config(gpu=gpu, model=model, use_case=use_case, engine="transformers")
    bases = [c.basis for c in res.candidates]
    assert bases == sorted(bases, key=lambda b: b != "measured"), bases  # every measured one before any other
    if "measured" in bases:
        assert res.basis == "measured" and res.expected is not None
        top = res.candidates[0]
        assert (res.precision, res.batch_size) == (top.precision, top.batch_size)
        limit = MAX_BATCH_FOR_USE[use_case]
        assert limit is None or (res.batch_size or 1) <= limit


def test_recommend_takes_the_lowest_measured_row_not_a_batch_one_extrapolation() -> None:
    res = recommend_config(gpu="a800", model="Mistral-7B", use_case="api")
    ok = [m for m in DATA.primary() if (m.gpu, m.model, m.engine) == ("a800", "Mistral-7B", "transformers")
          and m.precision in engine("transformers").precision_candidates and (m.batch_size or 1) <= MAX_BATCH_FOR_USE["api"]
          and m.energy_j_per_1k_tok]
    best = min(ok, key=lambda m: m.energy_j_per_1k_tok or 0)
    assert res.basis == "measured" and res.expected is not None and res.expected.row_id == best.row_id
    batch_one = [m for m in ok if m.batch_size == 1]
    assert best.energy_j_per_1k_tok < min(m.energy_j_per_1k_tok or 0 for m in batch_one)


def test_an_unmeasured_usual_batch_is_listed_after_the_measured_ones_and_labelled() -> None:
    res = recommend_config(gpu="rtx4090d", model="Mistral-7B", use_case="api")
    assert res.basis == "measured" and res.candidates[0].basis == "measured"
    extrapolated = [c for c in res.candidates if c.basis == "extrapolated"]
    assert extrapolated and res.candidates.index(extrapolated[0]) > 0 and "not measured" in extrapolated[0].note


@pytest.mark.parametrize("use_case", ["interactive", "api", "batch"])
@pytest.mark.parametrize(("gpu", "model"), EAGER_PAIRS[::3])
def test_no_saving_spans_two_experiments_and_measured_beats_extrapolated_in_estimate(gpu: str, model: str,
                                                                                       use_case: str) -> None:
    res = estimate_cost(gpu=gpu, model=model, volume=1e6, use_case=use_case, engine="transformers")
    rec = recommend_config(gpu=gpu, model=model, use_case=use_case, engine="transformers")
    if res.optimised is not None and any(c.basis == "measured" for c in rec.candidates):
        assert res.optimised.basis == "measured"
    if res.savings is not None:
        assert res.current.basis == res.optimised.basis == "measured"
        cur, opt = DATA.row(res.current.row_ids[0]), DATA.row(res.optimised.row_ids[0])
        assert comparable(cur, opt) and cur.experiment == opt.experiment


def test_a_saving_across_experiments_is_refused_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    from ecocompute.tools import estimate, recommend

    # Force the overall lowest measured row (ignoring the current row's experiment) as the optimised one.
    monkeypatch.setattr(estimate, "recommend", lambda *a, **k: recommend.recommend(*a, **{**k, "prefer_experiment": None}))
    res = estimate_cost(gpu="a800", model="Mistral-7B", volume=1e6, use_case="batch")
    assert res.optimised is not None and res.optimised.basis == res.current.basis == "measured"
    cur, opt = DATA.row(res.current.row_ids[0]), DATA.row(res.optimised.row_ids[0])
    assert cur.experiment != opt.experiment  # the data has this case; the guard must refuse the saving
    assert res.savings is None and any("No saving is stated" in w for w in res.warnings)


def test_a_saving_needs_measured_rows_on_both_sides() -> None:
    measured = sorted({m.batch_size for m in DATA.primary() if (m.gpu, m.model, m.precision, m.experiment)
                       == ("a800", "Mistral-7B", "fp16", "a800-2026-02-13") and m.batch_size})
    between = next(b for b in range(measured[0] + 1, measured[-1]) if b not in measured)
    res = estimate_cost(gpu="a800", model="Mistral-7B", batch_size=between, volume=1e6)
    assert res.current.basis == "interpolated" and res.savings is None


@pytest.mark.parametrize(("gpu", "model", "num_gpus"), SERVING[::4])
def test_serving_energy_per_request_is_measured_unless_tokens_are_given(gpu: str, model: str, num_gpus: int) -> None:
    spec = f"{num_gpus}x{gpu}"
    res = estimate_cost(gpu=spec, model=model, engine="vllm", volume=1e6)
    c = res.current
    if c.basis != "measured":
        return
    row = DATA.row(c.row_ids[0])
    assert row.num_gpus == num_gpus
    if row.energy_j_per_request is not None:
        assert c.energy_j_per_request_basis == "measured" and c.energy_j_per_request == pytest.approx(row.energy_j_per_request, rel=1e-3)
        assert c.tokens_per_request == row.max_new_tokens
    given = estimate_cost(gpu=spec, model=model, engine="vllm", volume=1e6, tokens_per_request=100).current
    assert given.energy_j_per_request_basis == "derived"
    assert given.energy_j_per_request == pytest.approx((row.energy_j_per_1k_tok or 0) * 100 / 1000, rel=1e-3)
    assert given.measured_energy_j_per_request == row.energy_j_per_request
    assert (given.median_itl_ms, given.p99_itl_ms) == (row.median_itl_ms, row.p99_itl_ms)


def test_interactive_serving_respects_the_stated_default_deadline_and_shows_latency() -> None:
    res = estimate_cost(gpu="2xB200", model="Llama-3.1-70B", engine="vllm", volume=1e6, use_case="interactive")
    rec = recommend_config(gpu="2xB200", model="Llama-3.1-70B", use_case="interactive")
    assumed = [r for r in rec.reasons if r.kind == "assumed_deadline"]
    assert len(assumed) == 1 and "No latency deadline given" in assumed[0].text
    if res.optimised is not None:
        assert res.optimised.p99_itl_ms is not None and res.optimised.p99_itl_ms <= DEFAULT_DEADLINE_MS["interactive"]
        assert res.optimised.median_itl_ms is not None
        assert DATA.row(res.optimised.row_ids[0]).num_gpus == 2


@pytest.mark.parametrize("text", ["2xB200", "2 x B200", "2*B200", "2×B200", "two B200s", "B200 x2"])
def test_gpu_counts_in_names(text: str) -> None:
    assert gpu_and_count(text) == ("b200", 2)
    assert gpu_and_count("8 H100s") == ("h100", 8)
    rows = run_tool("lookup_measurement", {"gpu": text}).content["rows"]
    assert rows and {r["num_gpus"] for r in rows} == {2}


def test_a_gpu_count_and_num_gpus_that_disagree_are_a_typed_conflict() -> None:
    out = run_tool("recommend_config", {"gpu": "2xB200", "model": "Llama-3.1-70B", "num_gpus": 4})
    assert out.failure is not None and out.failure.code == "conflicting_arguments"
    same = run_tool("recommend_config", {"gpu": "b200", "model": "Llama-3.1-70B", "num_gpus": 2})
    assert run_tool("recommend_config", {"gpu": "2×B200", "model": "Llama-3.1-70B"}).content == same.content


def test_compare_gpus_takes_counted_gpus() -> None:
    out = run_tool("compare_gpus", {"model": "Llama-3.1-70B", "gpus": ["2xB200", "h100"]}).content
    entries = [e["row"] for g in out["groups"] for e in g["entries"]]
    assert entries and all(r["gpu"] == "h100" or (r["gpu"], r["num_gpus"]) == ("b200", 2) for r in entries)
