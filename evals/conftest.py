"""`pytest evals`: every scenario on the offline engine, and every committed cassette replayed."""

from __future__ import annotations

import sys
from pathlib import Path

EVALS = Path(__file__).resolve().parent
sys.path.insert(0, str(EVALS))  # evals/loopback.py (recording helpers) is importable as `loopback`
