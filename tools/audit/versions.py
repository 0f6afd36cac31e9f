"""Versions a finding depends on: pins of transformers / bitsandbytes / vLLM / torch declared next to
the audited file (requirements*.txt, pyproject.toml, setup.cfg in its folder or a parent folder up to
the audited root). Files are read as text and never executed."""

from __future__ import annotations

import os
import re
from functools import lru_cache

PACKAGES = ("transformers", "bitsandbytes", "vllm", "torch")
_FILES = ("requirements.txt", "requirements-inference.txt", "requirements-prod.txt", "pyproject.toml",
          "setup.cfg")
_MAX_BYTES = 1_000_000
_REQ = re.compile(r"""(?im)(?:^|[\s"'\[,])(transformers|bitsandbytes|vllm|torch)\s*(?:\[[^\]]*\])?\s*"""
                  r"""((?:(?:==|~=|>=|<=|<|>|!=)\s*[0-9][0-9A-Za-z.*+!-]*\s*,?\s*)+)""")


Pins = dict[str, str]


def pins_for(path: str, root: str | None = None) -> Pins:
    """Package -> "SPEC (FILE)" for the nearest declaration of each package above `path`."""
    folder = os.path.dirname(os.path.abspath(path))
    stop = os.path.abspath(root) if root else None
    found: Pins = {}
    while True:
        for package, spec in _folder_pins(folder).items():
            found.setdefault(package, spec)
        parent = os.path.dirname(folder)
        if folder == stop or parent == folder or stop is None or not folder.startswith(stop):
            return found
        folder = parent


@lru_cache(maxsize=4096)
def _folder_pins(folder: str) -> Pins:
    out: Pins = {}
    for name in _FILES:
        try:
            with open(os.path.join(folder, name), "rb") as handle:
                text = handle.read(_MAX_BYTES).decode("utf-8", "replace")
        except OSError:
            continue
        for match in _REQ.finditer(text):
            out.setdefault(match.group(1).lower(), f"{' '.join(match.group(2).split()).rstrip(',')} ({name})")
    return out


def major_below(spec: str, major: int) -> bool | None:
    """True when the pin keeps the package below `major`, False when it needs `major`+, else None."""
    exact = re.search(r"(?:==|~=)\s*(\d+)", spec)
    if exact:
        return int(exact.group(1)) < major
    upper = re.search(r"<=?\s*(\d+)(?:\.(\d+))?", spec)
    if upper and (int(upper.group(1)) < major or (int(upper.group(1)) == major and not upper.group(2)
                                                 and "<=" not in upper.group(0))):
        return True
    lower = re.search(r">=?\s*(\d+)", spec)
    if lower and int(lower.group(1)) >= major:
        return False
    return None
