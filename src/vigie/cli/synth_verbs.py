"""Verbs: filled in by their stage."""
