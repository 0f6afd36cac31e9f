"""Deterministic tools over the measured dataset. Every number they return carries provenance."""
