"""The offline engine: question parsing, tool planning and answer rendering (no LLM)."""
