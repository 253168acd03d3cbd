"""Erasing files: overwrite, flush to disk, then unlink.

On copy-on-write file systems and SSDs an overwrite may land elsewhere than the old
blocks; that is why the store is crypto-shredded (its key destroyed) and why this is
only the second line of defence for plain files.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def shred(path: Path) -> bool:
    """Overwrite `path` with zeros, sync, unlink; False when it was already gone."""
    try:
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            zeros = bytes(min(size, _CHUNK))
            left = size
            while left > 0:
                left -= handle.write(zeros[: min(left, _CHUNK)])
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def remove_empty_dirs(root: Path, keep: set[Path]) -> None:
    """Remove the directories under `root` left empty, deepest first (not `keep`)."""
    if not root.is_dir():
        return
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), reverse=True):
        if folder not in keep and not any(folder.iterdir()):
            folder.rmdir()
