"""One error hierarchy; each error knows its exit code (mapped to the CLI in one place)."""

from __future__ import annotations


class VigieError(Exception):
    """A failure the user can act on: shown as one line, never as a traceback."""

    exit_code = 1


def printable(text: str) -> str:
    """A file name or place on one line: control characters (a newline in a file name)
    written as escapes, so an error stays the one line it must be."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


class InputError(VigieError):
    """Bad input data: names the file, the place and the fault."""

    exit_code = 3

    def __init__(self, message: str, *, path: object | None = None, where: str | None = None):
        parts = [printable(str(p)) for p in (path, where) if p]
        super().__init__(": ".join([*parts, message]))
        self.path = path
        self.where = where


class UnsupportedFormatError(InputError):
    """A file whose format vigie cannot read, with a hint on how to convert it."""


class ConfigError(VigieError):
    """Bad settings or incident facts."""

    exit_code = 4


class StoreError(VigieError):
    """The workspace or its store is missing, locked or damaged."""

    exit_code = 5


class KeyMissingError(StoreError):
    """The store's key cannot be found or is wrong."""

    exit_code = 6


class IntegrityError(VigieError):
    """A tamper-evident record (audit log) does not verify."""

    exit_code = 7


class VerificationFailed(VigieError):
    """A verification code is not genuine (exit 1, as DESIGN.md says for `verify`)."""

    exit_code = 1


class WorkspacePurged(StoreError):
    """The workspace was purged: its store and key are gone on purpose."""

    exit_code = 5


class NotConfirmed(VigieError):
    """A destructive verb run without its confirmation flag (`--yes`)."""

    exit_code = 8
