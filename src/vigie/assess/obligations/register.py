"""Record the breach in the controller's breach register (GDPR Art. 33(5)): always."""

from __future__ import annotations

from typing import Any

from vigie.assess.trace import Trace

CONTENT = [
    "les faits concernant la violation",
    "ses effets",
    "les mesures prises pour y remédier",
    "le raisonnement suivi pour chaque décision (notifier ou non, communiquer ou non, tout retard)",
]


def decide(trace: Trace) -> dict[str, Any]:
    reasons = [
        trace.fire(
            "register.always",
            "toute violation est documentée, notifiée ou non, afin que la CNIL puisse "
            "vérifier le respect du RGPD",
            "RGPD art. 33(5)",
        ),
        trace.fire(
            "register.reasoning",
            "le raisonnement de chaque décision est consigné avec elle",
            "EDPB, lignes directrices 9/2022, section V (responsabilité)",
        ),
    ]
    return {"required": True, "content": CONTENT, "reasons": reasons}
