"""The OpenAPI document of the console: every route it serves, built from the routes.

Paths, methods and path parameters come from the Starlette routes themselves, and who
may call a route from its session gate (`GATE_ROLES`, set by `Pages.guarded`); what a
route takes (query parameters, form fields) and what it answers is declared here, once,
in `OPERATIONS`. A route with no entry is left out of the document and
tests/console/test_openapi.py fails on it, as on an entry that names no route: the
document cannot silently go stale.

The console serves it at /openapi.json to a live session of any role (not to the
public): it holds no data, but the console keeps one rule — nothing but the login, the
activation, the health check and the static files answers without a session.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starlette.convertors import IntegerConvertor
from starlette.routing import BaseRoute, Route

GATE_ROLES = "vigie_roles"  # attribute of a gated endpoint: the roles it lets through
HTML, CSV, JSON, TEXT = "text/html", "text/csv", "application/json", "text/plain"
FILINGS = ("application/pdf", JSON, "text/markdown", TEXT)  # by the file's suffix


_STRING = (("type", "string"),)


@dataclass(frozen=True)
class Field:
    """A query parameter or a form field."""

    name: str
    description: str
    schema: tuple[tuple[str, Any], ...] = _STRING
    required: bool = False

    def as_schema(self) -> dict[str, Any]:
        return {**dict(self.schema), "description": self.description}

    def as_parameter(self, where: str) -> dict[str, Any]:
        return {"name": self.name, "in": where, "required": self.required or where == "path",
                "description": self.description, "schema": dict(self.schema)}  # fmt: skip


@dataclass(frozen=True)
class Op:
    """What one method of a route takes and answers, besides what its gate adds (303
    without a live session, 403 for another role or a form without the CSRF token)."""

    summary: str
    ok: tuple[str, ...] = (HTML,)  # media types of the 200 answer; () when there is none
    query: tuple[Field, ...] = ()
    form: tuple[Field, ...] | None = None  # a POST's fields (the gate's CSRF token aside)
    codes: tuple[int, ...] = ()  # further answers
    params: tuple[Field, ...] = ()  # path parameters (a string unless said otherwise)
    description: str = ""
    body: dict[str, Any] | None = None  # schema of a JSON answer (default: an object)


def _int(minimum: int = 0) -> tuple[tuple[str, Any], ...]:
    return (("type", "integer"), ("minimum", minimum))


_PAGE = Field("page", "Numéro de page (50 lignes) ; toute autre valeur : la page 1", _int(1))
_PERSON = Field("person_id", "Identifiant de personne du magasin (P et 12 chiffres hexadécimaux)")
_SLUG = Field("slug", "Le nom du dossier d'un responsable (son paquet) ; 404 pour un autre")
_KIND = Field("issue", "Filtre par issue : new_address, opposition, complaint, access")
_CSV = (CSV,)
_COUNTS = {
    "type": "object",
    "required": ["controller", "persons", "notice", "tiers", "elements"],
    "properties": {
        "controller": {"type": "string"},
        "persons": {"type": "integer", "minimum": 0},
        **{
            k: {"type": "object", "additionalProperties": {"type": "integer"}}
            for k in ("notice", "tiers", "elements")
        },
    },
}  # filing_text.controller_counts, as in the package's counts.json
_ADDRESS = (
    Field("rue", "Numéro et voie (nouvelle adresse)"),
    Field("complement", "Complément d'adresse"),
    Field("code_postal", "Code postal (5 chiffres)"),
    Field("commune", "Commune"),
)

OPERATIONS: dict[tuple[str, str], Op] = {
    ("/connexion", "GET"): Op("Formulaire de connexion (jeton signé, limité dans le temps)"),
    ("/connexion", "POST"): Op(
        "Connexion : identifiant, mot de passe, code TOTP",
        ok=(),
        form=(
            Field("jeton", "Le jeton signé du formulaire", required=True),
            Field("identifiant", "Identifiant du compte"),
            Field("mot_de_passe", "Mot de passe"),
            Field("code", "Code TOTP (vide à la toute première connexion)"),
        ),
        codes=(303, 400, 401, 403, 429, 503),
        description="303 vers / (ou /activation) et le cookie de session ; 401 pour tout "
        "échec (même réponse) ; 400 jeton expiré ; 429 au-delà de 10 envois par minute.",
    ),
    ("/activation", "GET"): Op(
        "Première connexion : nouveau mot de passe, enrôlement TOTP",
        codes=(303, 503),
        description="Pour une session de mise en service seulement ; sinon 303.",
    ),
    ("/activation", "POST"): Op(
        "Première connexion : enregistrer le mot de passe et le code TOTP",
        form=(
            Field("csrf", "Le jeton CSRF de la session", required=True),
            Field("nouveau", "Nouveau mot de passe (12 caractères au moins)"),
            Field("confirmation", "Le même, à nouveau"),
            Field("code", "Code TOTP de l'application enrôlée"),
        ),
        codes=(303, 400, 403, 503),
    ),
    ("/deconnexion", "POST"): Op("Se déconnecter (fin de la session)", ok=(), form=()),
    ("/", "GET"): Op("Tableau de bord (lead, responsable) ; accueil du centre d'appels (agent)"),
    ("/openapi.json", "GET"): Op(
        "Ce document",
        ok=(JSON,),
        body={"type": "object", "required": ["openapi", "info", "paths"]},
    ),
    ("/personnes", "GET"): Op(
        "Personnes du périmètre, identités masquées (chaque page est une consultation)",
        query=(Field("q", "Référence de courrier (L01-000123) ou début du nom"), _PAGE),
    ),
    ("/personnes/{person_id}", "GET"): Op(
        "Fiche d'une personne du périmètre (consultation auditée)",
        codes=(404,),
        params=(_PERSON,),
        description="404 pour un identifiant hors du périmètre, comme pour un inconnu.",
    ),
    ("/personnes/{person_id}/consultations", "GET"): Op(
        "Qui a consulté la fiche d'une personne", codes=(404,), params=(_PERSON,)
    ),
    ("/tableau-de-bord/chiffres", "GET"): Op(
        "Les chiffres du tableau de bord seuls (rafraîchis par console.js)",
        description="Ne prolonge pas une session inactive.",
    ),
    ("/depots/{name}", "GET"): Op(
        "Un projet de dépôt écrit par vigie notify",
        ok=FILINGS,
        codes=(404,),
        params=(
            Field(
                "name",
                "cnil-notification.pdf|json, health-report.pdf|json, "
                "public-communication.md ; tout autre nom : 404",
            ),
        ),
    ),
    ("/revue", "GET"): Op(
        "File de revue : la prochaine paire douteuse (consultation auditée)",
        query=(
            Field("apres", "Passer aux paires après ce numéro", _int()),
            Field("fait", "Décision qui vient d'être prise : NUMÉRO:accept ou NUMÉRO:reject"),
        ),
    ),
    ("/revue/{pair_id}", "POST"): Op(
        "Accepter ou rejeter une paire (comme vigie review)",
        ok=(),
        form=(
            Field(
                "decision", "accept ou reject", (("type", "string"), ("enum", ["accept", "reject"]))
            ),
            Field("apres", "La paire affichée avant, pour la suite", _int()),
        ),
        codes=(303, 404),
        params=(Field("pair_id", "Numéro de la paire dans la file ; 404 sans paire", _int()),),
        description="303 vers la paire suivante ; 404 pour une paire absente ou une décision "
        "inconnue.",
    ),
    ("/journal", "GET"): Op(
        "Journal d'audit filtré, et sa vérification",
        query=(
            Field("action", "Verbe du journal (view, review, console login...)"),
            Field("compte", "Identifiant d'un compte"),
            Field("jour", "Jour (UTC), AAAA-MM-JJ", (("type", "string"), ("format", "date"))),
            Field("personne", "Identifiant de personne"),
            _PAGE,
        ),
    ),
    ("/espace", "GET"): Op(
        "Les espaces des responsables (lead) ; le sien (responsable : 303)", codes=(303, 404)
    ),
    ("/espace/{slug}", "GET"): Op("L'espace d'un responsable", codes=(404,), params=(_SLUG,)),
    ("/espace/{slug}/personnes.csv", "GET"): Op(
        "Ses personnes (persons.csv du paquet)", ok=_CSV, codes=(404,), params=(_SLUG,)
    ),
    ("/espace/{slug}/sans-courrier", "GET"): Op(
        "Ses personnes sans courrier, et pourquoi", query=(_PAGE,), codes=(404,), params=(_SLUG,)
    ),
    ("/espace/{slug}/sans-courrier.csv", "GET"): Op(
        "La même liste en CSV", ok=_CSV, codes=(404,), params=(_SLUG,)
    ),
    ("/espace/{slug}/mineurs.csv", "GET"): Op(
        "Ses mineurs à examiner", ok=_CSV, codes=(404,), params=(_SLUG,)
    ),
    ("/espace/{slug}/chiffres.json", "GET"): Op(
        "Ses chiffres (counts.json du paquet)",
        ok=(JSON,),
        codes=(404,),
        params=(_SLUG,),
        body=_COUNTS,
    ),
    ("/espace/{slug}/modele/{name}", "GET"): Op(
        "Un fichier du modèle de ses courriers",
        ok=(TEXT,),
        codes=(404,),
        params=(_SLUG, Field("name", "letter.typ, parts.typ ou fragments.typ ; tout autre : 404")),
    ),
    ("/espace/{slug}/courriers", "GET"): Op(
        "Ce que disent ses courriers", codes=(404,), params=(_SLUG,)
    ),
    ("/appels", "GET"): Op("Centre d'appels : chercher un appelant"),
    ("/appels/code", "POST"): Op(
        "Appelant trouvé par le code de son courrier (recherche comptée et auditée)",
        form=(Field("code", "Le code lu par l'appelant"),),
        codes=(429,),
        description="429 au-delà de 30 recherches (ou 12 sans résultat) en 10 minutes.",
    ),
    ("/appels/identite", "POST"): Op(
        "Appelant trouvé par son identité (quatre champs qui doivent tous concorder)",
        form=(
            Field("nom", "Nom d'usage ou de naissance"),
            Field("prenom", "Un prénom"),
            Field("naissance", "Date de naissance (JJ/MM/AAAA)"),
            Field("code_postal", "Code postal"),
        ),
        codes=(429,),
    ),
    ("/appels/issue", "POST"): Op(
        "Enregistrer l'issue d'un appel, pour une personne jointe par une recherche",
        form=(
            Field("issue", "new_address, opposition, complaint ou access", required=True),
            Field("personne", "Identifiant de la personne trouvée", required=True),
            *_ADDRESS,
        ),
        codes=(400,),
        description="403 pour une personne que ce compte n'a pas trouvée dans les 30 "
        "dernières minutes ; 400 pour une issue inconnue ou une adresse qu'on ne peut "
        "imprimer.",
    ),
    ("/appels/suivi", "GET"): Op("Suivi des issues d'appels", query=(_KIND,)),
    ("/appels/suivi.csv", "GET"): Op("Le même suivi en CSV", ok=_CSV, query=(_KIND,)),
    ("/static/console.css", "GET"): Op("Feuille de style", ok=("text/css",)),
    ("/static/console.js", "GET"): Op(
        "Le script (amélioration progressive)", ok=("text/javascript",)
    ),
    ("/sante", "GET"): Op("État du service", ok=(TEXT,)),
}

_REASONS = {
    200: "La page ou le fichier",
    303: "Redirection",
    400: "Formulaire refusé",
    401: "Connexion refusée",
    403: "Accès refusé : autre rôle, ou formulaire sans jeton CSRF ou venu d'un autre site",
    404: "Introuvable, ou hors du périmètre de ce compte",
    429: "Trop de demandes : réessayer après Retry-After secondes",
    503: "Espace de travail occupé par une commande : réessayer après Retry-After secondes",
}
_RETRY = {"Retry-After": {"required": True, "schema": {"type": "integer"}}}
_GATE = (303, 403, 503)
_GATE_TEXT = (
    "Session requise (cookie `vigie`, `__Host-vigie` derrière TLS) ; sans session valide, "
    "303 vers /connexion ; 403 pour un autre rôle que {roles}."
)


def operations(routes: Sequence[BaseRoute]) -> list[tuple[str, str, Route]]:
    """(path, method, route) of every operation the app serves (HEAD goes with GET)."""
    return [
        (route.path_format, method, route)
        for route in routes
        if isinstance(route, Route)
        for method in sorted((route.methods or {"GET"}) - {"HEAD"})
    ]


def undocumented(routes: Sequence[BaseRoute]) -> list[str]:
    """ "METHOD path" of each operation the app serves that OPERATIONS does not describe."""
    return [f"{m} {p}" for p, m, _ in operations(routes) if (p, m) not in OPERATIONS]


def document(routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """The OpenAPI 3.0 document of the routes that have an entry in OPERATIONS."""
    paths: dict[str, dict[str, Any]] = {}
    for path, method, route in operations(routes):
        op = OPERATIONS.get((path, method))
        if op is not None:
            roles = getattr(route.endpoint, GATE_ROLES, None)
            paths.setdefault(path, {})[method.lower()] = _operation(op, route, roles)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "vigie — console de l'équipe de réponse",
            "version": "1",
            "description": "Pages HTML rendues par le serveur et formulaires "
            "(application/x-www-form-urlencoded). Chaque consultation d'une personne est "
            "inscrite au journal d'audit.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "vigie"}}
        },
    }


def _operation(op: Op, route: Route, roles: tuple[str, ...] | None) -> dict[str, Any]:
    codes = {*op.codes, *(_GATE if roles else ()), *((200,) if op.ok else ())}
    described = [op.description] if op.description else []
    found: dict[str, Any] = {"summary": op.summary}
    if roles:
        described.insert(0, _GATE_TEXT.format(roles=", ".join(roles)))
        found.update({"security": [{"session": []}], "x-roles": list(roles)})
    else:
        found["security"] = []
    if described:
        found["description"] = " ".join(described)
    fields = {f.name: f for f in op.params}
    parameters = [_path_parameter(name, route, fields) for name in route.param_convertors]
    parameters += [f.as_parameter("query") for f in op.query]
    if parameters:
        found["parameters"] = parameters
    if op.form is not None:
        found["requestBody"] = _form(op.form, csrf=bool(roles))
    found["responses"] = {str(code): _response(code, op) for code in sorted(codes)}
    return found


def _path_parameter(name: str, route: Route, fields: dict[str, Field]) -> dict[str, Any]:
    integer = isinstance(route.param_convertors[name], IntegerConvertor)
    field = fields.get(name) or Field(name, name, _int() if integer else _STRING)
    return field.as_parameter("path")


def _form(fields: tuple[Field, ...], *, csrf: bool) -> dict[str, Any]:
    if csrf:
        fields = (Field("csrf", "Le jeton CSRF de la session (dans chaque formulaire)",
                        required=True), *fields)  # fmt: skip
    schema = {
        "type": "object",
        "properties": {f.name: f.as_schema() for f in fields},
        "required": [f.name for f in fields if f.required],
    }
    if not schema["required"]:
        del schema["required"]
    return {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}


def _response(code: int, op: Op) -> dict[str, Any]:
    found: dict[str, Any] = {"description": _REASONS[code]}
    if code == 303:
        found["headers"] = {"Location": {"required": True, "schema": {"type": "string"}}}
        return found
    if code in (429, 503):
        found["headers"] = _RETRY
    media = op.ok if code == 200 else (HTML,)
    found["content"] = {m: {"schema": _body(m, op)} for m in media}
    return found


def _body(media: str, op: Op) -> dict[str, Any]:
    if media == JSON:
        return op.body or {"type": "object"}
    return {"type": "string"}
