"""One small module per obligation; each rule cites the article or guideline it implements."""

from vigie.assess.obligations import art33_authority, art34_persons, health_report, register

__all__ = ["art33_authority", "art34_persons", "health_report", "register"]
