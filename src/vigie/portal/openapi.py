"""The OpenAPI document of the portal's JSON API (written out: two routes)."""

from __future__ import annotations

from typing import Any

_GENUINE = {
    "type": "object",
    "required": ["genuine"],
    "properties": {
        "genuine": {"type": "boolean"},
        "issuer": {"type": "string", "description": "Le responsable qui a envoyé le courrier"},
        "issued_on": {"type": "string", "format": "date"},
        "letter": {"type": "string", "description": "Référence du courrier"},
        "contact": {"type": "string", "description": "Contact officiel de l'émetteur"},
    },
    "additionalProperties": False,
}
_LIMITED = {
    "description": "Trop de demandes : réessayer après Retry-After secondes",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"schema": {"type": "object"}}},
}


def openapi(base_url: str | None) -> dict[str, Any]:
    verify = {
        "summary": "Vérifier un code de courrier",
        "description": "`genuine: false` seul quand le code n'est pas celui d'un courrier envoyé.",
        "parameters": [
            {
                "name": "code",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
                "example": "7KQ2-M9XD-4TRB",
            }
        ],
        "responses": {
            "200": {
                "description": "Résultat",
                "content": {"application/json": {"schema": _GENUINE}},
            },
            "429": _LIMITED,
        },
    }
    health = {
        "summary": "État du service",
        "responses": {"200": {"description": "En service",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }  # fmt: skip
    return {
        "openapi": "3.0.3",
        "info": {"title": "vigie — vérification des courriers", "version": "1"},
        "servers": [{"url": base_url}] if base_url else [],
        "paths": {"/api/verify/{code}": {"get": verify}, "/sante": {"get": health}},
    }
