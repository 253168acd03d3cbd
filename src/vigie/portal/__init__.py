"""The public portal: a bundle with no personal data, and the pages that serve it.

`build_bundle` (operator side, reads the encrypted store) writes the bundle;
`create_app` (public side) serves it and never sees the store or its key.
"""

from vigie.portal.bundle import Bundle, build_bundle, load_bundle

__all__ = ["Bundle", "build_bundle", "load_bundle"]
