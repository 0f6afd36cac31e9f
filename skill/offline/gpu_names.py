"""GPU names and counts in a question, resolved with the tools' own GPU resolver."""

from __future__ import annotations

from ecocompute.offline import lexicon as lx
from ecocompute.offline.extract import dedupe
from ecocompute.tools.errors import ToolInputError
from ecocompute.tools.names import gpu_key


def gpus(text: str) -> list[str]:
    """GPU ids in order of mention; a GPU-like name the data does not know stays as written, so the
    tools answer it with their did-you-mean error instead of the engine silently replacing it."""
    found: list[tuple[int, str]] = []
    for match in lx.GPU_TOKEN.finditer(text):
        try:
            found.append((match.start(), gpu_key(match.group(0))))
        except ToolInputError:
            found.append((match.start(), match.group(0).strip()))
    return dedupe([g for _, g in sorted(found)])


def unknown_gpus(text: str) -> list[str]:
    """GPU names outside the data ("MI300X", "A10G"), as written."""
    return [m.group(0) for m in lx.OTHER_GPU.finditer(text)]


def gpu_count(text: str) -> int | None:
    """How many GPUs the question says it runs on ("4x A800", "8 GPUs"), or None."""
    for pattern in lx.GPU_COUNT:
        match = pattern.search(text)
        if match:
            return lx.small_number(match.group(1))
    return None
