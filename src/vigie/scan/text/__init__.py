"""Free-text detection for scan: health information, names and identifiers in notes.

``find_spans(text)`` and ``find_spans_batch(texts)`` return ``Span`` objects (offsets,
element, rule, negation, whether the element is exposed). No text is ever logged.
"""

from vigie.scan.text.scanner import find_spans, find_spans_batch
from vigie.scan.text.span import Span, exposed_elements

__all__ = ["Span", "exposed_elements", "find_spans", "find_spans_batch"]
