"""The e-mail variant is plain text that reads well anywhere: one text/plain UTF-8 part,
short lines, no markup, addresses written out."""

from __future__ import annotations

import email
import re
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from vigie.notify.channels import LINE_LIMIT, Contact, wrap, write_channels
from vigie.notify.variants import IncidentText

INC = IncidentText(
    date(2021, 2, 12), date(2021, 2, 23), "exfiltration", None, True, date(2021, 3, 1), None
)
LONG_SENDER = "Laboratoire de Biologie Médicale Bio Armor Lannion Côtes-d'Armor Trégor Goëlo"
DPO = "delegue.protection.donnees@laboratoire-bio-armor-lannion.example.org"


def _message(tmp_path: Path, minor: bool = False) -> tuple[bytes, EmailMessage]:
    contact = Contact("L01-000042", "7KQ2-M9XD-4TRB", LONG_SENDER, DPO, "a@ex.org", None, minor)
    write_channels(tmp_path, [contact], INC)
    raw = (tmp_path / "email" / "L01-000042.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return raw, message


@pytest.mark.parametrize("minor", [False, True])
def test_email_is_one_plain_text_utf8_part(tmp_path: Path, minor: bool) -> None:
    _, message = _message(tmp_path, minor)
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert not message.defects
    body = message.get_content()
    assert "Référence du courrier : L01-000042" in body
    assert "Code de vérification : 7KQ2-M9XD-4TRB" in body
    assert DPO in body.split()  # written out whole, never cut at a line end


def test_email_lines_and_headers_are_short(tmp_path: Path) -> None:
    raw, message = _message(tmp_path)
    lines = raw.decode("utf-8").split("\r\n")
    assert max(len(line) for line in lines) <= 78
    assert "\n" not in raw.decode("utf-8").replace("\r\n", "")  # CRLF only
    assert str(message["Subject"]) == "Information sur une violation de données personnelles"
    # Python's parser puts a second space where an encoded word ends with one; mail
    # clients follow RFC 2047 and do not.
    assert " ".join(message["From"].addresses[0].display_name.split()) == LONG_SENDER
    assert message["From"].addresses[0].addr_spec == DPO


def test_email_has_no_markup_residue(tmp_path: Path) -> None:
    _, message = _message(tmp_path)
    body = message.get_content()
    assert not re.search(r"[<>*_#`{}\[\]\\]|&\w+;|https?://", body)
    assert "  " not in body.replace("\n", "")


def test_wrap_keeps_french_punctuation_with_its_word() -> None:
    text = "Pour toute question, écrivez-nous : " + "x" * 40 + " ; et « mise à jour »."
    for width_filler in range(0, 40):
        folded = wrap("y" * width_filler + " " + text)
        for line in folded.split("\n"):
            assert len(line) <= LINE_LIMIT
            assert not line.startswith((":", ";", "»")) and not line.endswith("«")
        assert " ".join(folded.split()) == " ".join(("y" * width_filler + " " + text).split())
