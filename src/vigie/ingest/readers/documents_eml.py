"""E-mail (RFC 822 / .eml) as headers, body paragraphs and attachments.

The addressing headers and the subject are a part of their own: they name people and
their addresses. The body is the plain-text version, or the HTML one made text when
there is no plain one. Attachments are listed (their file name is a paragraph: it often
names the patient); text, HTML, PDF, DOCX and forwarded e-mails are read, anything else
yields a `not_read` block that the ingest report counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from email import policy
from email.message import MIMEPart
from email.parser import BytesParser
from pathlib import Path

from vigie.ingest.readers.documents_base import NOT_READ, Block, text_blocks
from vigie.ingest.readers.documents_text import decode_text, html_text

HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Date", "Subject")
_MAX_DEPTH = 3  # forwarded e-mails inside forwarded e-mails


def read_eml(source: Path | bytes) -> Iterator[Block]:
    """Headers, body, then each attachment as part "attachment N"."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    message = BytesParser(policy=policy.default).parsebytes(data)
    yield from _message_blocks(message, "", 0)


def _message_blocks(message: MIMEPart, prefix: str, depth: int) -> Iterator[Block]:
    lines = [f"{name.lower()}: {value}" for name in HEADERS for value in message.get_all(name, [])]
    for n, line in enumerate(lines, start=1):
        yield Block(f"{prefix}headers", n, line)
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        yield from text_blocks(_part_text(body), f"{prefix}body")
    for n, attachment in enumerate(message.iter_attachments(), start=1):
        label = f"{prefix}attachment {n}"
        yield from _attachment_blocks(attachment, label, depth)


def _part_text(part: MIMEPart) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    text, _ = decode_text(data, part.get_content_charset())
    return html_text(text) if part.get_content_subtype() == "html" else text


def _attachment_blocks(part: MIMEPart, label: str, depth: int) -> Iterator[Block]:
    content_type = part.get_content_type()
    name = part.get_filename()
    if name:
        yield Block(label, 0, name)
    if content_type == "message/rfc822" and depth < _MAX_DEPTH:
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], MIMEPart):
            yield from _message_blocks(inner[0], f"{label} ", depth + 1)
            return
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        data = b""
    kind = _kind(content_type, name or "", data)
    if kind in ("plain", "html"):
        yield from text_blocks(_part_text(part), label)
    elif kind == "pdf":
        yield from _embedded(label, data, "pdf")
    elif kind == "docx":
        yield from _embedded(label, data, "docx")
    else:
        yield Block(label, 0, None, NOT_READ, detail=content_type)


def _kind(content_type: str, name: str, data: bytes) -> str:
    lower = name.lower()
    if data.startswith(b"%PDF") or lower.endswith(".pdf"):
        return "pdf"
    if lower.endswith(".docx") or "wordprocessingml" in content_type:
        return "docx"
    if content_type == "text/html" or lower.endswith((".html", ".htm")):
        return "html"
    if content_type.startswith("text/") or lower.endswith((".txt", ".csv")):
        return "plain"
    return "other"


def _embedded(label: str, data: bytes, kind: str) -> Iterator[Block]:
    """A PDF or DOCX attachment's own blocks, as parts of this attachment."""
    from vigie.ingest.readers.documents_docx import DocxError, read_docx
    from vigie.ingest.readers.documents_pdf import PdfError, read_pdf

    try:
        blocks = list(read_pdf(data) if kind == "pdf" else read_docx(data))
    except (PdfError, DocxError) as exc:
        yield Block(label, 0, None, NOT_READ, detail=f"{kind}: {exc}")
        return
    for block in blocks:
        part = label if block.part in ("body", "page") else f"{label} {block.part}"
        yield Block(part, block.paragraph, block.text, block.status, block.page, block.detail)
