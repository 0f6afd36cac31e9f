"""Hostile and random arguments: only the typed input error ever escapes a tool."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecocompute.registry import TOOLS, run_tool

TOOL_NAMES = [s.name for s in TOOLS if s.name != "audit_code"]
NAMES = st.sampled_from(["rtx4090d", "4090", "a800", "h100", "b200", "Mistral-7B", "Qwen2-1.5B", "Llama-3.1-70B",
                         "int8", "nf4", "fp16", "vllm", "transformers", "api", "batch", "us", "china"])
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), NAMES,
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _fields(name):
    return list(next(s for s in TOOLS if s.name == name).args_model.model_fields)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(TOOL_NAMES), data=st.data())
def test_random_arguments_never_crash(name, data):
    fields = _fields(name) + ["unexpected_key"]
    args = data.draw(st.dictionaries(st.sampled_from(fields), ANY_VALUE, max_size=len(fields)))
    out = run_tool(name, args)  # any exception other than ToolInputError propagates and fails the test
    if out.is_error:
        assert out.error and "\n" not in out.error.strip()
    else:
        _no_nan(out.content)


def _no_nan(value):
    if isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, dict):
        for v in value.values():
            _no_nan(v)
    elif isinstance(value, list):
        for v in value:
            _no_nan(v)
