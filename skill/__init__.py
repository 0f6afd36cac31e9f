"""EcoCompute: an LLM energy-efficiency advisor whose every number comes from a deterministic tool."""

__version__ = "0.1.0"
