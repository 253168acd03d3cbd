"""Synthetic incidents: leak files, lab registries and ground truth (`vigie synth`)."""

from __future__ import annotations

from vigie.synth.generate import SynthSummary, generate

__all__ = ["SynthSummary", "generate"]
