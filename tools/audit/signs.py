"""What a call says about the code's setting: generation, training (and in which scope), torch.compile
and GPU use. The walk (`collect.py`) records these signs for every call it visits; rules read them from
`Facts`."""

from __future__ import annotations

import ast

from ecocompute.tools.audit.facts import Facts

_TRAINING_CALLS = frozenset({"Trainer", "TrainingArguments", "Seq2SeqTrainer", "Seq2SeqTrainingArguments",
                             "SFTTrainer", "SFTConfig", "gradient_checkpointing_enable", "backward",
                             "checkpoint", "checkpoint_module", "checkpoint_wrapper",
                             "apply_activation_checkpointing"})


def record_signs(facts: Facts, node: ast.Call, name: str, attr: str, scope: int) -> None:
    """Record what one call (callee `name`, last segment `attr`) says about the setting, in `scope`."""
    if attr in ("generate", "GenerationConfig", "pipeline"):
        facts.generation = True
    if attr in _TRAINING_CALLS or (attr == "train" and not node.args and name != "train"):
        facts.training = True
        facts.training_scopes.add(scope)
    if name in ("torch.compile", "torch._dynamo.optimize"):
        facts.torch_compile = True
    if not facts.gpu and (attr == "cuda" or name.startswith("torch.cuda.") or _cuda_arg(node)):
        facts.gpu = True
    for kw in node.keywords:
        if kw.arg == "device_map":
            facts.gpu = True
        elif kw.arg == "gradient_checkpointing" and not _is_false(kw.value):
            facts.training = True
            facts.training_scopes.add(scope)


def _cuda_arg(node: ast.Call) -> bool:
    values = [*node.args[:1], *(kw.value for kw in node.keywords if kw.arg == "device")]
    return any(isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value.startswith("cuda")
               for v in values)


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and not node.value
