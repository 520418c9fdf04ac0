"""Synthetic local authority: deterministic multi-agency records and their ground truth."""

from joinedup.demo.generator import GenerationSummary, generate

__all__ = ["GenerationSummary", "generate"]
