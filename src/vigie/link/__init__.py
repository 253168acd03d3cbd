"""Link: resolve the leak into persons and attach each to the controllers holding them.

Library API: `run_link(ws, LinkOptions(...))` (the `vigie link` verb), `Thresholds`,
and the review queue helpers in `vigie.link.review`. See docs/linkage.md.
"""

from vigie.link.decide import Thresholds
from vigie.link.pipeline import LinkOptions, run_link

__all__ = ["LinkOptions", "Thresholds", "run_link"]
