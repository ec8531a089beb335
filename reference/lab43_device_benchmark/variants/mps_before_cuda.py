"""Prefers mps over cuda in the automatic choice."""

DEVICES = ("mps", "cuda", "cpu")
