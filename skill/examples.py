"""One valid call per registry tool: the arguments tests, benchmarks and docs use as the example.

Adding a tool means adding its example here (tests/test_registry.py checks every tool has one and that
each example runs without an error). Values are names in the data, never measurements.
"""

from __future__ import annotations

from typing import Any

INT8_SOURCE = (
    "from transformers import AutoModelForCausalLM\n"
    "model = AutoModelForCausalLM.from_pretrained('mistralai/Mistral-7B-v0.1', load_in_8bit=True)\n"
)
EXAMPLES: dict[str, dict[str, Any]] = {
    "lookup_measurement": {"gpu": "rtx4090d", "model": "Mistral-7B"},
    "compare_precisions": {"gpu": "rtx4090d", "model": "Mistral-7B"},
    "compare_gpus": {"model": "Mistral-7B"},
    "estimate_cost": {"gpu": "rtx4090d", "model": "Mistral-7B", "volume": 1_000_000},
    "recommend_config": {"gpu": "rtx4090d", "model": "Mistral-7B"},
    "diagnose": {"gpu": "rtx4090d", "model": "Mistral-7B", "load_in_8bit": True},
    "audit_code": {"source": INT8_SOURCE, "filename": "serve.py"},
    "read_reference": {"topic": "findings"},
}
