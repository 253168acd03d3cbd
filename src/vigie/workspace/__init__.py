"""The incident workspace: facts, encrypted store, outputs, audit log."""

from vigie.workspace.store import quote_ident, table_exists, table_names, transaction
from vigie.workspace.workspace import Workspace

__all__ = ["Workspace", "quote_ident", "table_exists", "table_names", "transaction"]
