"""vigie: breach response for personal health data.

The public API: each stage is a function over a `Workspace`; the CLI is a thin layer on top.
"""

from vigie.errors import ConfigError, InputError, StoreError, VigieError
from vigie.workspace import Workspace

__all__ = ["ConfigError", "InputError", "StoreError", "VigieError", "Workspace"]
