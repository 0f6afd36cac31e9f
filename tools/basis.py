"""How a number was obtained: the basis every tool result states next to it.

Kept free of pydantic so that the audit engine's plain records (`audit/findings.py`) can use it on the
CLI path, which never imports pydantic.
"""

from __future__ import annotations

from typing import Literal

Basis = Literal["measured", "derived", "interpolated", "extrapolated", "unavailable"]
