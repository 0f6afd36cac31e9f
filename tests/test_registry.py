import pytest

from ecocompute.registry import TOOLS, get_tool, run_tool, tool_names
from ecocompute.tools.errors import ToolInputError


def test_public_tool_names():
    assert {"lookup_measurement", "compare_precisions", "estimate_cost", "recommend_config", "diagnose",
            "audit_code", "compare_gpus"} <= set(tool_names())


@pytest.mark.parametrize("spec", [s for s in TOOLS if s.name != "audit_code"], ids=lambda s: s.name)
def test_each_tool_has_description_schema_and_result_model(spec):
    assert spec.description and len(spec.description) < 600
    schema = spec.input_schema()
    assert schema["type"] == "object" and schema["properties"]
    assert spec.result_model.model_json_schema()["type"] == "object"


def test_unknown_tool_and_extra_arguments_are_input_errors():
    with pytest.raises(ToolInputError):
        get_tool("nope")
    out = run_tool("lookup_measurement", {"gpu": "a800", "colour": "red"})
    assert out.is_error and "colour" in out.error


def test_every_tool_has_one_example_and_it_runs() -> None:
    from ecocompute.examples import EXAMPLES

    assert list(EXAMPLES) == tool_names()
    for name, arguments in EXAMPLES.items():
        outcome = run_tool(name, arguments)
        assert not outcome.is_error, (name, outcome.error)
