from ecocompute.tools.compare_gpus import compare_gpus


def test_groups_never_span_engines_datasets_or_bases():
    res = compare_gpus(model="Llama-3.1-70B")
    assert res.groups
    for g in res.groups:
        rows = [e.row for e in g.entries]
        assert len({(r.engine, r.engine_version, r.energy_basis, r.precision, r.batch_size) for r in rows}) == 1
        assert len({r.gpu for r in rows}) > 1
        low = min(r.energy_j_per_1k_tok for r in rows)
        for e in g.entries:
            assert e.energy_vs_lowest == round(e.row.energy_j_per_1k_tok / low, 3)
            assert e.energy_j_per_1k_tok_per_gpu == round(e.row.energy_j_per_1k_tok / e.row.num_gpus, 2)


def test_unknown_model_in_data_is_an_input_error():
    from ecocompute.registry import run_tool

    out = run_tool("compare_gpus", {"model": "gpt-17"})
    assert out.is_error and "Unknown model" in out.error
