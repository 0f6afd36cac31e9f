"""Rule metadata: ids, names, default severities, what each detects and which evidence backs it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["critical", "warning", "conditional", "info"]
MAX_FILE_MB = 32  # the default limit on one audited file (`--max-file-size`); also caps its syntax density
# Highest first; `--fail-on X` fails on X and everything before it.
SEVERITIES: tuple[Severity, ...] = ("critical", "warning", "conditional", "info")


@dataclass(frozen=True, slots=True)
class Rule:
    """One audit rule as documented to users, SARIF consumers and the model."""

    id: str
    name: str
    severity: Severity
    summary: str
    evidence: str | None  # key in `impact.EVIDENCE`, None when the dataset has no measurement
    packages: tuple[str, ...] = ()  # whose version the finding depends on (named in its message)


RULES: tuple[Rule, ...] = (
    Rule("ECO101", "int8-default-threshold", "critical",
         "bitsandbytes INT8 (load_in_8bit=True) with the default llm_int8_threshold: mixed-precision "
         "decomposition costs more energy than FP16.", "int8", ("bitsandbytes", "transformers")),
    Rule("ECO102", "int8-nonzero-threshold", "warning",
         "bitsandbytes INT8 with a non-zero, non-default llm_int8_threshold: outlier decomposition "
         "still runs.", "int8", ("bitsandbytes", "transformers")),
    Rule("ECO103", "int8-threshold-zero", "info",
         "bitsandbytes INT8 with llm_int8_threshold=0.0: the decomposition is off (the energy fix), at an "
         "accuracy cost that must be checked.", "int8_pure", ("bitsandbytes", "transformers")),
    Rule("ECO201", "nf4-small-model", "warning",
         "4-bit (NF4/FP4) bitsandbytes quantization of a small model: dequantization overhead costs "
         "more energy than FP16.", "nf4", ("bitsandbytes", "transformers")),
    Rule("ECO301", "generate-in-loop", "warning",
         "A generation call (generate(), vLLM/mistral_inference/llama-cpp entry points, or a local helper "
         "that generates) once per prompt inside a loop: batch size 1.", "batch"),
    Rule("ECO302", "pipeline-per-item", "warning",
         "A transformers pipeline (in a variable or passed as a parameter) called once per item in a loop "
         "without batch_size.", "batch"),
    Rule("ECO303", "batch-size-one", "warning", "batch_size=1 where it feeds LLM inference: a pipeline, a pipeline call, or a "
         "DataLoader whose batches reach generation.", "batch"),
    Rule("ECO304", "vllm-max-num-seqs-one", "warning",
         "vLLM max_num_seqs=1 disables continuous batching.", "batch", ("vllm",)),
    Rule("ECO401", "kv-cache-disabled", "warning",
         "use_cache=False in generation: every new token recomputes attention over the whole prefix.",
         None, ("transformers",)),
    Rule("ECO501", "fp32-large-model", "warning",
         "FP32 inference of a large model on GPU: twice the memory traffic of FP16/BF16.", None, ("transformers",)),
    Rule("ECO502", "no-torch-compile", "info",
         "A transformers model is loaded for generation and torch.compile is never used.", None, ("torch",)),
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def severity_rank(severity: str) -> int:
    """0 for the most severe; used for sorting and `--fail-on`."""
    return SEVERITIES.index(severity)  # type: ignore[arg-type]
