"""The code auditor: `ast`-based findings for energy waste in LLM inference code.

Audited code is parsed with `ast` and never imported, compiled for execution or run; comments,
strings and docstrings cannot trigger a rule. Each file gets ONE walk (`collect.py`) that records what
every rule needs, limited to the statements that mention a rule word (`hot.py`); the rule modules
then read those facts. What counts as LLM generation is decided in `generation.py` (entry points,
async engines, helpers that generate); `walk.py` and `parallel.py` read files safely and in parallel;
`versions.py` reads package pins next to the code. Silence a finding with an inline comment
`# ecocompute: ignore[ECO101]` (several ids separated by commas; a bare `# ecocompute: ignore`
silences every rule) on any line the finding spans.

RULES (id, name, default severity; `conditional` when a value is not known statically):

| id | name | severity |
| --- | --- | --- |
| ECO101 | int8-default-threshold | critical |
| ECO102 | int8-nonzero-threshold | warning |
| ECO103 | int8-threshold-zero | info (accuracy check) |
| ECO201 | nf4-small-model | warning (info when the model size is unknown) |
| ECO301 | generate-in-loop | warning |
| ECO302 | pipeline-per-item | warning |
| ECO303 | batch-size-one | warning |
| ECO304 | vllm-max-num-seqs-one | warning |
| ECO401 | kv-cache-disabled | warning |
| ECO501 | fp32-large-model | warning (info when the model size is unknown; conditional for a load with no dtype, FP32 only under transformers < 5, unless a pin settles it) |
| ECO502 | no-torch-compile | info |

The full descriptions live in `rules.py` (`RULES`); `ecocompute audit --list-rules` prints them.
"""
