"""Fuzz worker: reads file paths on stdin, reads each file as ingest does, answers one line.

Runs in its own process under an address-space limit, so a reader that hangs or grows
without bound is killed or fails here instead of taking the test run down. Answers:
`ok`, `input` (an InputError on one line naming the file) or
`crash <exception type>` (anything else: a finding). Never prints a value from the file.
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

MEMORY_LIMIT = 3 * 1024**3  # address space, not RSS: pyarrow and DuckDB reserve a lot


def read_like_ingest(path: Path) -> None:
    """Detect and drain the file the way ingest would, without a store."""
    from vigie.ingest.documents import read_blocks
    from vigie.ingest.formats import detect
    from vigie.ingest.readers.base import BadRow
    from vigie.ingest.readers.documents_docx import DocxError
    from vigie.ingest.readers.documents_pdf import PdfError

    detected = detect(path)
    if detected.format in ("pdf", "docx", "eml", "txt"):
        try:
            for _ in read_blocks(detected.format, path):
                pass
        except (PdfError, DocxError):
            return  # load_document turns these into an InputError naming the file
        return
    for table in detected.read(path, lambda _: None):
        for row in table.rows:
            if not isinstance(row, BadRow):
                assert len(row[1]) == len(table.columns), "row width differs from the header"


def main() -> None:
    from vigie.errors import InputError

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    print("ready", flush=True)
    for line in sys.stdin:
        path = Path(line.rstrip("\n"))
        try:
            read_like_ingest(path)
            answer = "ok"
        except InputError as exc:
            message = str(exc)
            answer = "input"
            if "\n" in message:
                answer = "crash InputError on several lines"
            elif str(path) not in message:
                answer = "crash InputError without the file name"
        except MemoryError:
            answer = "crash MemoryError"
        except BaseException as exc:
            answer = f"crash {type(exc).__name__}"
        print(answer, flush=True)


if __name__ == "__main__":
    main()
