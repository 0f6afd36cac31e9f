import json

from ecocompute.cli import main
from ecocompute.registry import run_tool


def test_tool_prints_the_registry_json(capsys):
    args = {"gpu": "rtx4090d", "model": "Mistral-7B"}
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
                 "--requests-per-month", "1000000"]) == 0
    assert "kWh_month" in capsys.readouterr().out
    assert main(["recommend", "--model", "Llama-3.1-8B", "--gpu", "h100", "--engine", "vllm",
                 "--itl-deadline-ms", "50", "--latency-metric", "p99"]) == 0
    assert "max_num_seqs" in capsys.readouterr().out
    assert main(["diagnose", "--gpu", "rtx4090d", "--model", "Mistral-7B", "--load-in-8bit", "true"]) == 0
    assert "int8_decomposition" in capsys.readouterr().out


def test_friendly_bad_input(capsys):
    assert main(["lookup", "--gpu", "nvidia-9000"]) == 2
    assert "Unknown GPU" in capsys.readouterr().err
