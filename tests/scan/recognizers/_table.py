"""Shared assertion for the table-driven recognizer tests."""

from __future__ import annotations

from vigie.scan.recognizers import get


def check(name: str, value: str, valid: bool | None, rule: str | None = None) -> None:
    """valid None: the recognizer must not even recognize the value's shape."""
    outcome = get(name).recognize(value)
    if valid is None:
        assert outcome is None or not outcome.valid, outcome
        return
    assert outcome is not None, f"{name} did not recognize the shape"
    assert outcome.valid is valid, outcome
    if rule is not None:
        assert outcome.rule == rule, outcome
    if len(value.strip()) > 3:  # the reason never quotes the value
        assert value.strip() not in outcome.detail
