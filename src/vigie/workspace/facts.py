"""incident.yaml: the incident facts, edited by people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from vigie.errors import ConfigError

TEMPLATE = """\
# vigie — faits de l'incident / incident facts.
# Edit this file as the investigation goes; `vigie assess` reads it. In a workspace,
# data_categories and persons come from scan and link unless stated here.
title: Fuite de données de laboratoires
controller_sector: health            # health | finance | public | other
controllers:                          # each data controller (e.g. each lab)
  - name: Laboratoire exemple
    dpo_email: dpo@example.org
processor: null                       # e.g. the software vendor, when the breach is theirs
occurred_at: null                     # e.g. 2021-02-12T00:00:00+01:00
aware_at: null                        # starts the 72-hour clock (GDPR Art. 33)
breach_types: [confidentiality]       # confidentiality | integrity | availability
cause: exfiltration                   # ransomware | exfiltration | human_error | lost_device | mispostal | social_engineering | other
malicious: true
data_categories: []                   # identity contact national_id financial credentials health genetic minors location behavioural special_other
persons: null                         # number of persons; computed by link when null
encryption_state: none                # none | encrypted_key_safe | encrypted_key_compromised | hashed_salted
backup_available: true
exfiltration_confirmed: unknown       # true | false | unknown
published: false                      # the data is publicly available
recipients_trusted: false             # misdirected data: recipient trusted and confirmed deletion
data_recovered: false
"""


def load_facts(path: Path) -> dict[str, Any]:
    """Read a facts file; a YAML fault is reported with its line, not as a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such facts file") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "?"
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: {where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the facts must be a mapping of field: value")
    return data
