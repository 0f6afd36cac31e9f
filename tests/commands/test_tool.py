import json

import pytest

from ecocompute.cli import main
from ecocompute.examples import EXAMPLES
from ecocompute.registry import run_tool


def test_tool_prints_the_registry_json(capsys):
    args = EXAMPLES["lookup_measurement"]
    assert main(["tool", "lookup_measurement", "--args", json.dumps(args)]) == 0
    assert json.loads(capsys.readouterr().out) == run_tool("lookup_measurement", args).content


def test_bad_json_and_unknown_names_exit_2_with_one_sentence(capsys):
    assert main(["tool", "lookup_measurement", "--args", "{bad"]) == 2
    assert main(["tool", "lookup_measurement", "--args", '{"gpu": "rtx9999"}']) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Unknown GPU" in err


def test_list(capsys):
    assert main(["tool", "--list"]) == 0
    assert "lookup_measurement(gpu, model, precision, batch_size, engine)" in capsys.readouterr().out


def test_friendly_commands_render_and_json(capsys):
    assert main(["lookup", "--gpu", "rtx4090d", "--model", "Mistral-7B"]) == 0
    out = capsys.readouterr().out
    assert "M0" in out and "pure_int8_metadata.json" in out
    assert main(["compare", "--gpu", "rtx5090", "--model", "Qwen2-1.5B", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tables"]
    assert main(["estimate", "--gpu", "rtx4090d", "--model", "Mistral-7B", "--precision", "int8",
                 "--volume", "1000000"]) == 0
    assert "kWh_month" in capsys.readouterr().out
    assert main(["recommend", "--model", "Llama-3.1-8B", "--gpu", "h100", "--engine", "vllm",
                 "--itl-deadline-ms", "50", "--latency-metric", "p99"]) == 0
    assert "max_num_seqs" in capsys.readouterr().out
    assert main(["diagnose", "--gpu", "rtx4090d", "--model", "Mistral-7B", "--load-in-8bit"]) == 0
    assert "int8_decomposition" in capsys.readouterr().out


def test_friendly_bad_input(capsys):
    assert main(["lookup", "--gpu", "nvidia-9000"]) == 2
    assert "Unknown GPU" in capsys.readouterr().err


def test_enum_flags_take_their_values_and_list_them_in_help(capsys):
    assert main(["recommend", "--model", "Mistral-7B", "--gpu", "rtx4090d", "--use-case", "batch", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["use_case"] == "batch"
    with pytest.raises(SystemExit):
        main(["recommend", "--help"])
    assert "{interactive,api,batch}" in capsys.readouterr().out


def test_list_flags_take_commas_and_repeats(capsys):
    expected = run_tool("compare_gpus", {"model": "Llama-3.1-8B", "engine": "vllm", "gpus": ["h100", "b200"]}).content
    for flags in (["--gpus", "h100,b200"], ["--gpus", "h100", "--gpus", "b200"]):
        assert main(["compare-gpus", "--model", "Llama-3.1-8B", "--engine", "vllm", *flags, "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out == expected and {e["row"]["gpu"] for g in out["groups"] for e in g["entries"]} == {"h100", "b200"}


def test_boolean_flags_are_x_and_no_x(capsys):
    assert main(["diagnose", "--gpu", "rtx4090d", "--model", "Mistral-7B", "--load-in-8bit", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["effective_precision"] == "int8_default"
    assert main(["diagnose", "--gpu", "rtx4090d", "--model", "Mistral-7B", "--no-load-in-8bit", "--precision", "nf4",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["effective_precision"] == "nf4"


def test_a_bad_enum_value_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["recommend", "--model", "Mistral-7B", "--gpu", "rtx4090d", "--use-case", "nightly"])
    assert exc.value.code == 2 and "invalid choice: 'nightly'" in capsys.readouterr().err


def test_a_huge_integer_in_args_is_one_sentence_not_a_traceback(capsys):
    assert main(["tool", "lookup_measurement", "--args", '{"batch_size": ' + "9" * 5000 + "}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "more than 400 digits" in err
