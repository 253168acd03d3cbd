"""Synthetic column values for the scan tests: Faker fr_FR plus our own NIR generator."""

from __future__ import annotations

import datetime as dt
import random

from faker import Faker

DEPARTEMENTS = ["22", "27", "35", "41", "45", "56", "75", "2A", "2B", "69", "13"]


def nir_key(body: str) -> str:
    """The NIR key of 13 characters (2A -> 19, 2B -> 18 for the key only)."""
    number = int(body.replace("2A", "19").replace("2B", "18"))
    return f"{97 - number % 97:02d}"


def make_nir(rng: random.Random, sex: str, birth: dt.date) -> str:
    """A structurally valid NIR for this sex and birth date."""
    digit = "1" if sex == "M" else "2"
    dep = rng.choice(DEPARTEMENTS)
    commune = f"{rng.randint(1, 999):03d}"
    body = f"{digit}{birth.year % 100:02d}{birth.month:02d}{dep}{commune}{rng.randint(1, 999):03d}"
    return body + nir_key(body)


def people(n: int, seed: int = 7) -> dict[str, list[str | None]]:
    """n French-looking patient rows as columns (vocabulary element -> values)."""
    fake, rng = Faker("fr_FR"), random.Random(seed)
    fake.seed_instance(seed)
    cols: dict[str, list[str | None]] = {k: [] for k in ELEMENTS}
    for _ in range(n):
        sex = rng.choice("MF")
        birth = fake.date_of_birth(minimum_age=1, maximum_age=95)
        first = fake.first_name_male() if sex == "M" else fake.first_name_female()
        cols["identity.last_name"].append(fake.last_name().upper())
        cols["identity.first_name"].append(first)
        cols["identity.birth_date"].append(birth.strftime(rng.choice(["%d/%m/%Y", "%Y-%m-%d"])))
        cols["identity.sex"].append(sex)
        cols["national_id.nir"].append(make_nir(rng, sex, birth))
        cols["contact.address"].append(fake.street_address())
        cols["contact.postcode"].append(rng.choice(["35000", "56100", "22000", "45000", "41000"]))
        cols["contact.city"].append(
            rng.choice(
                [
                    "Rennes",
                    "LORIENT",
                    "Saint-Brieuc",
                    "Orléans",
                    "Blois",
                    "Évreux",
                    "VANNES",
                    "ST MALO",
                ]
            )
        )
        cols["contact.phone"].append(rng.choice(["06", "07", "02"]) + fake.msisdn()[-8:])
        cols["contact.email"].append(fake.email() if rng.random() < 0.4 else None)
        cols["care.exam"].append(
            (dt.date(2018, 6, 1) + dt.timedelta(days=rng.randint(0, 250))).strftime("%d/%m/%Y")
        )
        cols["health.blood_group"].append(rng.choice(["A+", "O-", "AB+", "B-", "O+", "A-"]))
        cols["provider.prescriber"].append("Dr " + fake.last_name().upper())
        cols["text.free"].append(
            rng.choice(
                [
                    None,
                    None,
                    "patient à jeun, prélèvement difficile au bras gauche",
                    "Sérologie VIH négative, contrôle dans trois mois prévu",
                ]
            )
        )
    return cols


ELEMENTS = [
    "identity.last_name",
    "identity.first_name",
    "identity.birth_date",
    "identity.sex",
    "national_id.nir",
    "contact.address",
    "contact.postcode",
    "contact.city",
    "contact.phone",
    "contact.email",
    "care.exam",
    "health.blood_group",
    "provider.prescriber",
    "text.free",
]
