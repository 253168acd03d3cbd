"""INS matricule (identité nationale de santé).

The INS matricule is the person's NIR (or, failing that, the NIA, which is "constituted
like a NIR"); its digits cannot tell an INS from a NIR, nor a NIA from a NIR. Only the
context tells: a header naming the INS (or, outside a table, the OID 1.2.250.1.213.1.4.8
for INS-NIR, .4.9 for INS-NIA). So this recognizer validates exactly as the NIR one and
is chosen for a column only when the header says INS.
"""

from __future__ import annotations

from vigie.scan.masking import mask_nir
from vigie.scan.recognizers import nir
from vigie.scan.recognizers.base import Recognizer


def validate(value: str) -> tuple[bool, str, str]:
    """The NIR checks; a 13-digit NNP is not an INS matricule."""
    valid, rule, detail = nir.validate(value)
    if rule in ("nir.nnp", "nir.mig"):
        return False, "ins.length", "13 digits: an INS matricule has 15 characters"
    return valid, rule.replace("nir.", "ins."), detail


RECOGNIZER = Recognizer(
    name="ins",
    noun="INS matricules (NIR-shaped, valid key)",
    element="national_id.ins",
    description="INS matricule (a NIR or NIA; told from a NIR only by its header)",
    shape=nir.SHAPE,
    validate=validate,
    mask=mask_nir,
    header_hints=(
        "INS",
        "MATRICULE_INS",
        "INS_NIR",
        "INS_NIA",
        "INS_MATRICULE",
        "NUM_INS",
        "INS_C",
        "IDENTITE_NATIONALE_SANTE",
    ),
    needs_header=True,
    specificity=1,
)
