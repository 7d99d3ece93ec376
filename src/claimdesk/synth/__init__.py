"""Synthetic practices: realistic, deterministic bundles with planted defects for testing."""

from claimdesk.synth.practice import SynthSummary, write_practice

__all__ = ["SynthSummary", "write_practice"]
