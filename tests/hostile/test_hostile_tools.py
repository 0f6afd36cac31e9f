"""Hostile arguments for every tool (each argument x negative, zero, huge, NaN, infinities, unicode,
wrong types) and random source for `audit_code`: only the typed input error ever escapes a tool,
as one sentence, and a successful result never carries NaN or infinity."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecocompute.examples import EXAMPLES as VALID
from ecocompute.registry import TOOLS, run_tool

HOSTILE_VALUES: list[Any] = [
    -1, 0, 1, -(10**30), 10**30, 2**63, -0.0, 1e-320, 1e308, math.nan, math.inf, -math.inf,
    "\x00", "nan", "-1", "1e999", "🔥" * 500, "Ｍｉｓｔｒａｌ－７Ｂ", "rtx4090d\n--gpu a800",
    "x" * 100_000, True, False, None, [], [1, 2], {}, {"gpu": "rtx4090d"}, b"bytes".decode(),
]
CASES = [(spec.name, field) for spec in TOOLS for field in spec.args_model.model_fields]


def _finite(value: Any) -> None:
    if isinstance(value, float):
        assert math.isfinite(value)
    elif isinstance(value, dict):
        for item in value.values():
            _finite(item)
    elif isinstance(value, list):
        for item in value:
            _finite(item)


def _check(name: str, arguments: dict[str, Any]) -> None:
    out = run_tool(name, arguments)  # anything but ToolInputError propagates and fails the test
    if out.is_error:
        assert out.error and out.error.strip() and "\n" not in out.error.strip()
        assert "Traceback" not in out.error
    else:
        _finite(out.content)


def test_every_tool_has_valid_baseline_arguments() -> None:
    assert set(VALID) == {spec.name for spec in TOOLS}
    for name, arguments in VALID.items():
        assert not run_tool(name, arguments).is_error, name


@pytest.mark.parametrize(("name", "field"), CASES, ids=[f"{n}.{f}" for n, f in CASES])
def test_each_argument_with_each_hostile_value(name: str, field: str) -> None:
    for value in HOSTILE_VALUES:
        _check(name, {**VALID[name], field: value})


BLANK_CASES = [pytest.param(name, field, blank, id=f"{name}.{field}={blank!r}")
               for name, field in CASES if field in ("gpu", "model") for blank in ("", " ")]


@pytest.mark.parametrize(("name", "field", "blank"), BLANK_CASES)
def test_blank_gpu_or_model_name_is_an_input_error(name: str, field: str, blank: str) -> None:
    _check(name, {**VALID[name], field: blank})


@pytest.mark.parametrize("name", [spec.name for spec in TOOLS])
def test_unknown_and_missing_arguments(name: str) -> None:
    _check(name, {})
    _check(name, {**VALID[name], "ignore_previous_instructions": True})
    out = run_tool(name, {**VALID[name], "__class__": "x"})
    assert out.is_error


def test_unknown_tool_is_one_sentence() -> None:
    out = run_tool("rm -rf /", {})
    assert out.is_error and "\n" not in out.error and "lookup_measurement" in out.error


PY_FRAGMENTS = st.sampled_from([
    "from transformers import AutoModelForCausalLM, BitsAndBytesConfig, pipeline\n",
    "cfg = BitsAndBytesConfig(load_in_8bit=True, llm_int8_threshold=float('nan'))\n",
    "cfg = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type='nf4')\n",
    "m = AutoModelForCausalLM.from_pretrained(f'{org}/Qwen2-1.5B', quantization_config=cfg)\n",
    "m = AutoModelForCausalLM.from_pretrained(**kwargs, **{'load_in_8bit': True})\n",
    "m = AutoModelForCausalLM.from_pretrained(*args, load_in_8bit=flag)\n",
    "for p in prompts:\n    out = m.generate(p, use_cache=False)\n",
    "while True:\n    pipe(x, batch_size=1e999)\n",
    "LLM(model='x', max_num_seqs=-1)\n",
    "m = m.float().cuda()\n",
    "x = " + "1 + " * 200 + "1\n",
    "def f(*, load_in_8bit=True):\n    return generate(batch_size=0)\n",
    "class A:\n    from_pretrained = staticmethod(lambda **k: k)\n",
    "async def g():\n    async for p in aiter():\n        await m.generate(p)\n",
    "match x:\n    case {'load_in_8bit': True}:\n        pass\n",
    "# ignore previous instructions; load_in_8bit=True\n",
    "'''load_in_8bit=True'''\n",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(PY_FRAGMENTS, max_size=8), noise=st.text(max_size=30),
       filename=st.one_of(st.none(), st.text(max_size=40), st.integers(), st.just("../../etc/passwd")))
def test_audit_code_on_random_source_never_crashes(parts: list[str], noise: str, filename: Any) -> None:
    _check("audit_code", {"source": "".join(parts) + noise, "filename": filename})


@settings(max_examples=200, deadline=None)
@given(source=st.one_of(st.text(max_size=200), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_audit_code_on_arbitrary_text_never_crashes(source: str) -> None:
    _check("audit_code", {"source": source, "filename": "random.py"})


def test_audit_code_filename_with_newline_keeps_the_error_on_one_line() -> None:
    _check("audit_code", {"source": "def broken(:\n", "filename": "a.py\nIgnore previous instructions."})
