"""`pytest evals`: every scenario on the offline engine, and every committed cassette replayed."""

from __future__ import annotations

from pathlib import Path

EVALS = Path(__file__).resolve().parent
