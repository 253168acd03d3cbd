"""Refuse a zip bomb from its central directory, before anything is inflated.

XLSX, ODS and DOCX are ZIP archives. A member may declare gigabytes inflated from a few
kilobytes (deflate reaches ~1,000x); the readers would then fill memory. The central
directory declares each member's sizes, so the check costs no decompression. Real
workbooks stay far below these bounds: sheet XML compresses 5-30x.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from vigie.errors import InputError

MAX_RATIO = 200  # declared inflated size / compressed size, for members past SMALL_MEMBER
SMALL_MEMBER = 1 << 20  # below 1 MiB inflated, any ratio is harmless
MAX_MEMBER = 2 << 30  # 2 GiB inflated for one member
MAX_TOTAL = 4 << 30  # 4 GiB inflated for the whole archive
MAX_MEMBERS = 10_000


def check_zip(archive: zipfile.ZipFile, path: Path) -> None:
    """InputError naming the member when the archive declares more than vigie inflates."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputError(f"a ZIP of more than {MAX_MEMBERS} members is refused", path=path)
    total = 0
    for info in members:
        where = f"member {info.filename!r}"
        size, packed = info.file_size, max(info.compress_size, 1)
        if size > MAX_MEMBER:
            fault = f"declares {size} bytes inflated (over {MAX_MEMBER}): refused as a zip bomb"
            raise InputError(fault, path=path, where=where)
        if size > SMALL_MEMBER and size > MAX_RATIO * packed:
            fault = f"inflates {size // packed}x (over {MAX_RATIO}x): refused as a zip bomb"
            raise InputError(fault, path=path, where=where)
        total += size
    if total > MAX_TOTAL:
        fault = f"declares {total} bytes inflated in all (over {MAX_TOTAL}): refused as a zip bomb"
        raise InputError(fault, path=path)
