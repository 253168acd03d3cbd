"""French words for the report: elements, categories, tiers, causes, départements."""

from __future__ import annotations

from vigie.vocabulary import ELEMENT_LABELS_FR

ELEMENTS_FR = ELEMENT_LABELS_FR  # shared with the filings (vocabulary.py)

CATEGORIES_FR = {
    "identity": "Identité",
    "contact": "Coordonnées",
    "national_id": "Numéro national",
    "financial": "Données financières",
    "credentials": "Identifiants de connexion",
    "health": "Santé",
    "genetic": "Génétique",
    "minors": "Mineurs",
    "location": "Localisation",
    "behavioural": "Comportement",
    "special_other": "Autres catégories particulières",
    "other": "Autres",
}

LEVELS_FR = {"low": "faible", "medium": "moyenne", "high": "élevée", "very_high": "très élevée"}
TIERS_FR = {"very_high": "Très élevé", "high": "Élevé", "medium": "Moyen", "low": "Faible"}
TIER_COLOURS = {"very_high": "#9b1c1c", "high": "#d9480f", "medium": "#e8a317", "low": "#5c940d"}

CAUSES_FR = {
    "ransomware": "rançongiciel",
    "exfiltration": "exfiltration de données",
    "human_error": "erreur humaine",
    "lost_device": "perte ou vol d'un appareil",
    "mispostal": "envoi à un mauvais destinataire",
    "social_engineering": "ingénierie sociale",
    "other": "autre",
}
BREACH_TYPES_FR = {
    "confidentiality": "confidentialité",
    "integrity": "intégrité",
    "availability": "disponibilité",
}
ENCRYPTION_FR = {
    "none": "aucun chiffrement",
    "encrypted_key_safe": "chiffrées, clé en sécurité",
    "encrypted_key_compromised": "chiffrées, clé compromise",
    "hashed_salted": "hachées et salées",
}
SECTORS_FR = {"health": "santé", "finance": "finance", "public": "public", "other": "autre"}
EXCEPTIONS_FR = {
    "unintelligible": "Données inintelligibles (art. 34(3)(a))",
    "subsequent_measures": "Mesures ultérieures écartant le risque (art. 34(3)(b))",
    "disproportionate_effort": "Efforts disproportionnés (art. 34(3)(c))",
}

DEPARTEMENTS = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence",
    "05": "Hautes-Alpes", "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes",
    "09": "Ariège", "10": "Aube", "11": "Aude", "12": "Aveyron", "13": "Bouches-du-Rhône",
    "14": "Calvados", "15": "Cantal", "16": "Charente", "17": "Charente-Maritime",
    "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne",
    "25": "Doubs", "26": "Drôme", "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère",
    "30": "Gard", "31": "Haute-Garonne", "32": "Gers", "33": "Gironde", "34": "Hérault",
    "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire", "38": "Isère",
    "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire",
    "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne",
    "48": "Lozère", "49": "Maine-et-Loire", "50": "Manche", "51": "Marne",
    "52": "Haute-Marne", "53": "Mayenne", "54": "Meurthe-et-Moselle", "55": "Meuse",
    "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord", "60": "Oise",
    "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin",
    "69": "Rhône", "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe",
    "73": "Savoie", "74": "Haute-Savoie", "75": "Paris", "76": "Seine-Maritime",
    "77": "Seine-et-Marne", "78": "Yvelines", "79": "Deux-Sèvres", "80": "Somme",
    "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var", "84": "Vaucluse", "85": "Vendée",
    "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne",
    "90": "Territoire de Belfort", "91": "Essonne", "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion",
    "976": "Mayotte",
}  # fmt: skip


def element_fr(element: str) -> str:
    return ELEMENTS_FR.get(element, element)


def departement_fr(code: str | None) -> str:
    """`35 Ille-et-Vilaine`; an unknown residence says so."""
    if not code:
        return "Inconnu"
    name = DEPARTEMENTS.get(code)
    return f"{code} {name}" if name else code


def number_fr(value: float) -> str:
    """French digit grouping (narrow no-break space) and decimal comma."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
