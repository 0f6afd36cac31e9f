"""Fixtures for the eval-kit tests (helpers live in transcripts.py, imported by module name)."""

from __future__ import annotations

import pytest
from transcripts import MakeTranscript, transcript_with


@pytest.fixture
def make_transcript() -> MakeTranscript:
    return transcript_with
