"""Splink's own voice during link: kept off the user's terminal.

Splink narrates its training and warns on small incidents ("level not observed", "no
observed matches", m values below 1e-300), through its logger (to which it may attach a
handler on stderr of its own) and Python warnings. vigie says what matters in its own
words: the model's `trained` and `reason` in link's output. Splink's records and
warnings go to vigie's debug log (`vigie -vv link`); they name columns and levels,
never values.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("vigie.link.splink")


class _Forward(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log.debug("%s", record.getMessage().strip())


@contextmanager
def splink_quiet() -> Iterator[None]:
    """Within the block, Splink's log records and warnings reach vigie's debug log only."""
    splink = logging.getLogger("splink")
    saved = (splink.level, splink.propagate, list(splink.handlers))
    splink.handlers = [_Forward()]
    splink.propagate = False
    # below INFO Splink logs every SQL statement: costly, and nothing for a reader
    splink.setLevel(logging.INFO if log.isEnabledFor(logging.DEBUG) else logging.ERROR)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for warning in caught:
            log.debug("%s: %s", warning.category.__name__, str(warning.message).strip())
    finally:
        splink.setLevel(saved[0])
        splink.propagate = saved[1]
        splink.handlers = saved[2]
