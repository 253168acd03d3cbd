"""E-mail and SMS variants for persons with those contacts: short, pointing to the letter
and to its verification code, and containing no link (a link is what phishing uses).
Sending is out of scope: vigie writes one .eml per person and one sms.csv, 0600.

The e-mail is plain text only (text/plain, UTF-8): it reads the same in every client and
screen reader, with no markup, addresses written out, and lines of at most LINE_LIMIT
characters (headers folded too), as RFC 5322 recommends.
"""

from __future__ import annotations

import functools
import os
import re
import textwrap
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email import quoprimime
from email.utils import format_datetime
from pathlib import Path

from vigie.notify.letters import write_private
from vigie.notify.variants import IncidentText, french_date, of_name
from vigie.spreadsheet import csv_bytes

SMS_LIMIT = 306  # two concatenated SMS; the text is checked against it in the tests
LINE_LIMIT = 76  # e-mail lines, in characters (RFC 5322: no more than 78)
_GLUE = "\x00"  # stands for a space no line may break at while wrapping


@dataclass(frozen=True)
class Contact:
    letter_id: str
    code: str
    sender: str
    dpo: str
    email: str | None
    phone: str | None
    minor: bool


def wrap(text: str) -> str:
    """Each line folded to LINE_LIMIT at spaces, never before `:;?!»` or after `«` (French
    puts a space there), never inside a word, an address or a reference."""
    lines = []
    for line in text.split("\n"):
        glued = re.sub(r" (?=[:;?!»])|(?<=«) ", _GLUE, line)
        folded = textwrap.wrap(glued, LINE_LIMIT, break_long_words=False,
                               break_on_hyphens=False)  # fmt: skip
        lines += [one.replace(_GLUE, " ") for one in folded] or [""]
    return "\n".join(lines)


def email_text(c: Contact, inc: IncidentText) -> str:
    # Letters differ only by reference and code, each on a short line of its own: the text
    # is wrapped once per sender (textwrap costs more than the rest of a message).
    frame = _email_frame(c.sender, c.dpo, c.minor, inc.letter_date)
    return frame.replace(_REF, c.letter_id).replace(_CODE, c.code)


_REF, _CODE = "\x01ref\x01", "\x01code\x01"


@functools.lru_cache(maxsize=1024)
def _email_frame(sender: str, dpo: str, minor: bool, letter_date: date) -> str:
    whose = "de votre enfant" if minor else "vous concernant"
    return wrap(
        "Madame, Monsieur,\n\n"
        f"Des données {whose} figurent dans un fichier de patients {of_name(sender)} copié sans "
        "autorisation puis diffusé. Nous vous adressons un courrier par la poste, daté du "
        f"{french_date(letter_date)}, qui détaille les informations concernées et ce que "
        "nous vous conseillons de faire.\n\n"
        f"Référence du courrier : {_REF}\n"
        f"Code de vérification : {_CODE}\n"
        "Ce code permet de vérifier que ce message et le courrier viennent bien de nous.\n\n"
        "Ce message ne contient aucun lien et aucune pièce jointe. Nous ne vous demanderons "
        "jamais de mot de passe ni de coordonnées bancaires, par courriel, SMS ou téléphone. "
        "Méfiez-vous des messages qui reprennent vos informations pour paraître crédibles.\n\n"
        f"Pour toute question : {dpo}\n\n{sender}\n"
    )


def sms_text(c: Contact) -> str:
    whose = "de votre enfant" if c.minor else "vous concernant"
    return (
        f"{c.sender} : des données {whose} ont été exposées lors d'une fuite. Un courrier "
        f"vous est envoyé (réf. {c.letter_id}, code {c.code}). Nous ne demandons jamais vos "
        "coordonnées bancaires ni mot de passe par SMS. Ne cliquez sur aucun lien."
    )


def _header(name: str, text: str) -> str:
    """RFC 2047 only when needed, folded at spaces to LINE_LIMIT: a word is never split
    across encoded words (some readers then show it cut in two). EmailMessage does the
    encoding too, but ~100x slower per message."""
    if text.isascii() and len(name) + len(text) + 2 <= LINE_LIMIT:
        return text
    words = text.split(" ")
    pieces = [word + " " for word in words[:-1]] + [words[-1]]
    lines: list[str] = []
    group = ""
    room = LINE_LIMIT - len(name) - 2  # "Name: " on the first line, one space after
    for piece in pieces:
        if group and len(_encoded(group + piece)) > room:
            lines.append(_encoded(group))
            group, room = "", LINE_LIMIT - 1
        group += piece
    lines.append(_encoded(group))
    return "\r\n ".join(lines)


def _encoded(text: str) -> str:
    return quoprimime.header_encode(text.encode("utf-8"), "utf-8")


def _eml(c: Contact, inc: IncidentText) -> bytes:
    sender = _header("From", c.sender)
    if "@" in c.dpo:
        sender += f"\r\n <{c.dpo}>"  # folded: the address on its own line
    stamp = format_datetime(datetime.combine(inc.letter_date, time(9), tzinfo=UTC))
    subject = _header("Subject", "Information sur une violation de données personnelles")
    head = (
        f"From: {sender}\r\nTo: {c.email or ''}\r\n"
        f"Subject: {subject}\r\n"
        f"Date: {stamp}\r\nX-Vigie-Letter: {c.letter_id}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
    )
    body = email_text(c, inc).replace("\n", "\r\n")
    return (head + body).encode("utf-8")


def write_channels(out: Path, contacts: list[Contact], inc: IncidentText) -> dict[str, int]:
    """One .eml per person with an e-mail (out/email/), sms.csv for those with a phone."""
    emails = 0
    sms: list[list[str]] = []
    folder = out / "email"
    for contact in contacts:
        if contact.email:
            if not emails:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            _write_new(folder / f"{contact.letter_id}.eml", _eml(contact, inc))
            emails += 1
        if contact.phone:
            sms.append([contact.letter_id, contact.phone, sms_text(contact)])
    phones = sum(1 for c in contacts if c.phone)
    if phones:
        write_private(out / "sms.csv", csv_bytes(("letter_id", "phone", "text"), sms))
    return {"email": emails, "sms": phones}


def _write_new(path: Path, content: bytes) -> None:
    """One file readable by its owner only, written in place: a run killed half-way
    leaves a folder the next run clears (issue.py), so the temporary name and rename of
    letters.write_private would cost a second system call per e-mail for nothing."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
