"""E-mail and SMS variants for persons with those contacts: short, pointing to the letter
and to its verification code, and containing no link (a link is what phishing uses).
Sending is out of scope: vigie writes one .eml per person and one sms.csv, 0600."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

from vigie.notify.letters import write_private
from vigie.notify.variants import IncidentText, french_date, of_name
from vigie.spreadsheet import csv_bytes

SMS_LIMIT = 306  # two concatenated SMS; the text is checked against it in the tests


@dataclass(frozen=True)
class Contact:
    letter_id: str
    code: str
    sender: str
    dpo: str
    email: str | None
    phone: str | None
    minor: bool


def email_text(c: Contact, inc: IncidentText) -> str:
    whose = "de votre enfant" if c.minor else "vous concernant"
    return (
        "Madame, Monsieur,\n\n"
        f"Des données {whose} figurent dans un fichier de patients {of_name(c.sender)} copié sans "
        "autorisation puis diffusé. Nous vous adressons un courrier par la poste, daté du "
        f"{french_date(inc.letter_date)}, qui détaille les informations concernées et ce que "
        "nous vous conseillons de faire.\n\n"
        f"Référence du courrier : {c.letter_id}\n"
        f"Code de vérification : {c.code}\n"
        "Ce code permet de vérifier que ce message et le courrier viennent bien de nous.\n\n"
        "Ce message ne contient aucun lien et aucune pièce jointe. Nous ne vous demanderons "
        "jamais de mot de passe ni de coordonnées bancaires, par courriel, SMS ou téléphone. "
        "Méfiez-vous des messages qui reprennent vos informations pour paraître crédibles.\n\n"
        f"Pour toute question : {c.dpo}\n\n{c.sender}\n"
    )


def sms_text(c: Contact) -> str:
    whose = "de votre enfant" if c.minor else "vous concernant"
    return (
        f"{c.sender} : des données {whose} ont été exposées lors d'une fuite. Un courrier "
        f"vous est envoyé (réf. {c.letter_id}, code {c.code}). Nous ne demandons jamais vos "
        "coordonnées bancaires ni mot de passe par SMS. Ne cliquez sur aucun lien."
    )


def _header(text: str) -> str:
    # RFC 2047 only when needed; EmailMessage did the same but ~100x slower per message.
    return text if text.isascii() else Header(text, "utf-8").encode()


def _eml(c: Contact, inc: IncidentText) -> bytes:
    sender = f"{_header(c.sender)} <{c.dpo}>" if "@" in c.dpo else _header(c.sender)
    stamp = format_datetime(datetime.combine(inc.letter_date, time(9), tzinfo=UTC))
    head = (
        f"From: {sender}\r\nTo: {c.email or ''}\r\n"
        f"Subject: {_header('Information sur une violation de données personnelles')}\r\n"
        f"Date: {stamp}\r\nX-Vigie-Letter: {c.letter_id}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'
    )
    body = email_text(c, inc).replace("\n", "\r\n")
    return (head + body).encode("utf-8")


def write_channels(out: Path, contacts: list[Contact], inc: IncidentText) -> dict[str, int]:
    """One .eml per person with an e-mail (out/email/), sms.csv for those with a phone."""
    emails = 0
    sms: list[list[str]] = []
    for contact in contacts:
        if contact.email:
            write_private(out / "email" / f"{contact.letter_id}.eml", _eml(contact, inc))
            emails += 1
        if contact.phone:
            sms.append([contact.letter_id, contact.phone, sms_text(contact)])
    phones = sum(1 for c in contacts if c.phone)
    if phones:
        write_private(out / "sms.csv", csv_bytes(("letter_id", "phone", "text"), sms))
    return {"email": emails, "sms": phones}
