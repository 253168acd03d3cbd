"""Render letters with Typst: batch PDFs sorted by postcode, written in parallel.

Most of a letter is the same for many people (what happened, the advice for a given set
of exposed elements, the rights paragraph). Each distinct part is typeset once into
`fragments.pdf` (one page per part, cut to its height) and placed in the letters as a PDF
image; only the address, subject, code and QR are typeset per letter. This is what takes
Typst from ~100 to well over 1,000 two-page letters per second (docs/letters.md).
Accessible letters (`--accessible`) and large-print ones (`--large-print`) typeset the
same parts in place from `fragments.json` instead, as real text in a tagged PDF.

Each worker process keeps one `typst.Compiler` and gets whole batches; QR codes are made
in the worker with zxing-cpp (segno, pure Python, was the largest single cost); PDFs are
written 0600. A letter is exactly two pages, so letter i of a batch is on pages 2i+1 and
2i+2; a batch with any other page count is an error naming the letter at fault. A
large-print letter takes as many sheets as it needs, and its pages are read back from the
`<letter-end>` marks of its batch.
"""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import queue
import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from vigie.errors import ConfigError, InputError
from vigie.notify.variants import BODY_WIDTH_MM, PART_WIDTHS_MM

PAGES_PER_LETTER = 2
DEFAULT_TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_FILES = ("letter.typ", "parts.typ", "fragments.typ")
FRAGMENTS_PDF = "fragments.pdf"
# The same parts as data, for letters that typeset them as text (accessible, large print).
FRAGMENTS_JSON = "fragments.json"
# A fixed PDF timestamp: the same letters give the same bytes (reproducible runs).
PDF_TIMESTAMP = int(datetime(2021, 1, 1, tzinfo=UTC).timestamp())
BATCHES_PER_WORKER = 8
_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")

_compiler: Any = None


@dataclass
class PartTable:
    """Distinct parts, each with its page number in fragments.pdf (1-based)."""

    pages: dict[str, int] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)

    def add(self, kind: str, fields: dict[str, Any]) -> int:
        key = kind + "\x00" + json.dumps(fields, ensure_ascii=False, sort_keys=True)
        page = self.pages.get(key)
        if page is None:
            width = PART_WIDTHS_MM.get(kind, BODY_WIDTH_MM)
            self.items.append({"kind": kind, "width": width, "fields": fields})
            page = self.pages[key] = len(self.items)
        return page


@dataclass(frozen=True)
class BatchJob:
    name: str
    path: Path
    letters: list[dict[str, Any]]
    verify_url: str | None = None
    accessible: bool = False  # tagged PDF, parts as text (see letter.typ)
    large_print: bool = False  # 16 pt, PDF/UA-1, as many sheets as needed (letter.typ)


def template_dir(folder: Path | None) -> Path:
    """The template folder (default: the one vigie ships), checked for its three files."""
    path = Path(folder) if folder else DEFAULT_TEMPLATE_DIR
    missing = [name for name in TEMPLATE_FILES if not (path / name).is_file()]
    if missing:
        raise ConfigError(f"{path}: template folder lacks {', '.join(missing)}")
    return path


def prepare_build(template: Path, build: Path, parts: PartTable) -> None:
    """Copy the template into `build` and typeset every distinct part once."""
    import typst

    build.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in TEMPLATE_FILES:
        shutil.copyfile(template / name, build / name)
    data = json.dumps({"fragments": parts.items}, ensure_ascii=False)
    compiler = typst.Compiler(
        str(build / "fragments.typ"), root=str(build), ignore_system_fonts=True
    )
    try:
        pdf = compiler.compile(
            format="pdf", sys_inputs={"data": data}, pdf_tags=False, timestamp=PDF_TIMESTAMP
        )
    except typst.TypstError as exc:
        raise ConfigError(f"{template / 'parts.typ'}: {_typst_message(exc)}") from None
    write_private(build / FRAGMENTS_PDF, pdf_bytes(pdf))
    write_private(build / FRAGMENTS_JSON, data.encode("utf-8"))


def pdf_bytes(result: object) -> bytes:
    """Typst's compile result for a PDF (typed loosely by the binding: PNG gives a list)."""
    if not isinstance(result, bytes):
        raise TypeError("Typst returned no PDF bytes")
    return result


def qr_svg(content: str) -> str:
    """The QR code as an SVG holding a 1-bit PNG, one pixel a module, quiet zone included.

    zxing-cpp encodes in C++; with the mask fixed (data_mask=0, as the QR standard allows)
    a signed code takes ~0.1 ms instead of ~0.7 ms trying all eight, which was as long as
    Typst's layout of the letter; segno, pure Python, took 4 ms. Every mask decodes; the
    tests read the codes back with zbar. A small image is also cheaper for Typst to place
    than a path of ~1,000 segments, and `pixelated` keeps the modules sharp when scaled.
    """
    import zxingcpp

    code = zxingcpp.create_barcode(
        content, zxingcpp.BarcodeFormat.QRCode, ec_level="M", data_mask=0
    )
    light = np.asarray(code.to_image(scale=1, add_quiet_zones=True)) > 127
    size = len(light)
    png = base64.b64encode(_png_1bit(light)).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">'
        f'<image width="{size}" height="{size}" style="image-rendering:pixelated" '
        f'href="data:image/png;base64,{png}"/></svg>'
    )


def _png_1bit(light: np.ndarray) -> bytes:
    """A black-and-white PNG (bit depth 1, no filter) of a boolean array, True for white."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    height, width = light.shape
    rows = np.packbits(light, axis=1)
    raw = np.hstack([np.zeros((height, 1), np.uint8), rows]).tobytes()  # filter byte 0
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        # Stored, not deflated: Typst decodes the image and compresses it again in the
        # PDF, and deflating ~650 bytes cost 20 µs a letter (15 % of the QR code).
        + chunk(b"IDAT", zlib.compress(raw, 0))
        + chunk(b"IEND", b"")
    )


def qr_content(code: str, verify_url: str | None, signed: str = "") -> str:
    """The QR's text; `signed` is the portal's signed query (vigie.portal.signing)."""
    if verify_url:
        return f"{verify_url.rstrip('/')}/?code={code}" + (f"&{signed}" if signed else "")
    return f"VIGIE {code}" + (f" {signed}" if signed else "")


def _init_worker(build: str) -> None:
    import typst

    global _compiler
    _compiler = typst.Compiler(
        str(Path(build) / "letter.typ"), root=build, ignore_system_fonts=True
    )


def _compile(data: str, check: bool, accessible: bool = False) -> bytes:
    inputs = {"data": data, "check": "1" if check else "", "accessible": "1" if accessible else ""}
    pdf = _compiler.compile(
        format="pdf", sys_inputs=inputs, pdf_tags=accessible, timestamp=PDF_TIMESTAMP
    )
    return pdf_bytes(pdf)


def _compile_large(data: str, count: int) -> tuple[bytes, list[tuple[int, int]]]:
    """Large print, PDF/UA-1 (the text is typeset in place: no image of text stops it); the
    page ranges come from the letters' `<letter-end>` marks, each letter on new sheets."""
    inputs = {"data": data, "large": "1"}
    old = ConfigError("letter.typ has no large-print layout: copy vigie's template again")
    try:
        pdf = _compiler.compile(
            format="pdf", sys_inputs=inputs, timestamp=PDF_TIMESTAMP, pdf_standards="ua-1"
        )
    except Exception:
        if not _letter_ends():  # a template copied before large print existed: its
            raise old from None  # images of text fail PDF/UA-1, the real fault is this
        raise
    ends = _letter_ends()
    if len(ends) != count:
        raise old
    firsts = [1] + [last + 1 + last % 2 for last in ends[:-1]]  # the next odd page
    return pdf_bytes(pdf), list(zip(firsts, ends, strict=True))


def _letter_ends() -> list[int]:
    """The last page of each letter of the batch just compiled (`<letter-end>` marks)."""
    marks = json.loads(_compiler.query("<letter-end>", "value"))
    return [int(mark["last"]) for mark in marks]


def render_batch(job: BatchJob) -> tuple[str, list[tuple[int, int]]]:
    """Compile one batch into its PDF (in a worker); returns (name, each letter's pages)."""
    import typst

    letters = [
        {**one, "qr": qr_svg(qr_content(one["code"], job.verify_url, one.get("qr_extra", "")))}
        for one in job.letters
    ]
    data = json.dumps({"letters": letters}, ensure_ascii=False)
    try:
        if job.large_print:
            pdf, pages = _compile_large(data, len(letters))
        else:
            pdf = _compile(data, check=False, accessible=job.accessible)
            if len(_PAGE.findall(pdf)) != PAGES_PER_LETTER * len(letters):
                _compile(data, check=True, accessible=job.accessible)  # names the letter
                raise InputError("page count differs from two pages per letter", path=job.name)
            pages = [(2 * i + 1, 2 * i + 2) for i in range(len(letters))]
    except typst.TypstError as exc:
        # Typst's message names the template line or the letter id; never a data value.
        raise InputError(_typst_message(exc), path=job.name) from None
    write_private(job.path, pdf)
    return job.name, pages


def _typst_message(exc: Exception) -> str:
    lines = str(getattr(exc, "message", "") or exc).strip().splitlines()
    first = next((line for line in lines if "does not fit on two pages" in line), None)
    if first:
        return first.split("assertion failed: ")[-1]
    return f"the template does not compile: {lines[0] if lines else type(exc).__name__}"


def write_private(path: Path, content: bytes) -> None:
    """Write a file readable by its owner only (letters hold personal data)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.replace(tmp, path)


class BatchRenderer:
    """Batches rendered on worker processes as they are submitted; `results()` yields
    (name, each letter's first and last page) as they finish, in any order.

    notify submits each batch as soon as its letters are composed, so the workers start
    while the rest of the issue is still being composed (at 500,000 letters composing and
    signing took a minute of one core while the other waited).

    Typst's caches grow by ~110 MB per 1,000 letters and live as long as the process, so
    each worker is replaced after BATCHES_PER_WORKER batches, on its own: the others go on
    (multiprocessing.Pool's maxtasksperchild; a fresh ProcessPoolExecutor per round made
    every worker wait for the round's slowest batch, and its max_tasks_per_child can hang
    on Python 3.11). `batches`, the number expected, decides how many workers to start: a
    few batches for one worker are rendered in this process.
    """

    def __init__(self, build: Path, processes: int, batches: int) -> None:
        self._build = str(build)
        self._workers = max(1, min(processes, batches))
        self._inline = self._workers == 1 and batches <= BATCHES_PER_WORKER
        self._queued: list[BatchJob] = []  # rendered here, in results()
        self._finished: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._submitted = 0
        self._pool: Any = None

    def __enter__(self) -> BatchRenderer:
        if self._inline:
            _init_worker(self._build)
        else:
            # Spawned, not forked: Typst's threads in this process would deadlock a fork.
            spawn = multiprocessing.get_context("spawn")
            self._pool = spawn.Pool(self._workers, _init_worker, (self._build,),
                                    maxtasksperchild=BATCHES_PER_WORKER)  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()

    def submit(self, job: BatchJob) -> None:
        self._submitted += 1
        if self._inline:
            self._queued.append(job)
        else:
            self._pool.apply_async(render_batch, (job,), callback=self._finished.put,
                                   error_callback=self._finished.put)  # fmt: skip

    def results(self) -> Iterator[tuple[str, list[tuple[int, int]]]]:
        if self._inline:
            for job in self._queued:
                yield render_batch(job)
            return
        for _ in range(self._submitted):
            done = self._finished.get()
            if isinstance(done, BaseException):
                raise done
            yield done


def render_batches(
    jobs: list[BatchJob], build: Path, processes: int = 2
) -> Iterator[tuple[str, list[tuple[int, int]]]]:
    """Render every batch on `processes` worker processes (BatchRenderer); yields (name,
    each letter's first and last page) as batches finish, in any order."""
    if not jobs:
        return
    with BatchRenderer(build, processes, len(jobs)) as renderer:
        for job in jobs:
            renderer.submit(job)
        yield from renderer.results()
