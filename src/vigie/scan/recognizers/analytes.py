"""Lab results in columns: a column named after its analyte (`hemoglobine`, `glycemie_g_l`,
`TSH µUI/mL`, `crp`, `HbA1c (%)`) holding numbers, or any column of numbers with a lab
unit ("5,4 mmol/L", "< 0,5 mg/L"), is health data: health.result.

Two recognizers. `analyte` needs its header (numbers alone are not health data): the
header, folded and with a trailing unit dropped, names an analyte of ANALYTES in French or
English or by its usual abbreviation. Abbreviations that mean other things in a table
(`K`, `NA`, `CL`, `CA`, `PT`, `GB`, `GR`, `P`, `FE`) count only with a unit in the header
("K (mmol/L)", "na_mmol_l"). `lab_value` needs no header: a value is a number followed by
a unit of clinical biology, which ordinary tables do not write.
"""

from __future__ import annotations

import re
from functools import cache

from vigie.scan.masking import mask_code
from vigie.scan.recognizers.base import Recognizer

# canonical name, then other names and abbreviations (as headers write them, folded)
ANALYTES: tuple[tuple[str, ...], ...] = (
    ("HEMOGLOBINE", "HGB", "HB", "HAEMOGLOBIN", "HEMOGLOBIN"),
    ("HEMATOCRITE", "HT", "HCT", "HEMATOCRIT", "HAEMATOCRIT"),
    ("LEUCOCYTES", "LEUCO", "WBC", "GLOBULES_BLANCS", "WHITE_BLOOD_CELLS"),
    ("HEMATIES", "ERYTHROCYTES", "RBC", "GLOBULES_ROUGES", "RED_BLOOD_CELLS"),
    ("PLAQUETTES", "PLAQ", "PLATELETS", "THROMBOCYTES"),
    ("VGM", "MCV"),
    ("TCMH", "MCH"),
    ("CCMH", "MCHC"),
    ("POLYNUCLEAIRES_NEUTROPHILES", "PNN", "NEUTROPHILES", "NEUTROPHILS"),
    ("LYMPHOCYTES", "LYMPHO", "LYMPHOCYTES_TOTAUX"),
    ("MONOCYTES",),
    ("EOSINOPHILES", "PNE"),
    ("RETICULOCYTES", "RETIC"),
    ("GLYCEMIE", "GLUCOSE", "GLU", "GLYC", "GLYCEMIE_A_JEUN", "FASTING_GLUCOSE"),
    ("HBA1C", "HB_A1C", "HEMOGLOBINE_GLYQUEE", "HEMOGLOBINE_GLYCOSYLEE", "GLYCATED_HEMOGLOBIN"),
    ("CREATININE", "CREAT", "CREATININEMIE", "CREATININE_SERIQUE"),
    ("DFG", "EGFR", "DFG_CKD_EPI", "CKD_EPI", "MDRD", "CLAIRANCE", "CLAIRANCE_CREATININE"),
    ("UREE", "UREA", "BUN", "AZOTEMIE"),
    ("ACIDE_URIQUE", "URICEMIE", "URIC_ACID"),
    ("ASAT", "AST", "SGOT", "TGO"),
    ("ALAT", "ALT", "SGPT", "TGP"),
    ("GAMMA_GT", "GGT", "GAMMAGT", "GAMMA_GLUTAMYL_TRANSFERASE"),
    ("PAL", "PHOSPHATASES_ALCALINES", "ALP", "ALKALINE_PHOSPHATASE"),
    ("BILIRUBINE", "BILIRUBINE_TOTALE", "BILI", "BILIRUBIN"),
    ("CRP", "PROTEINE_C_REACTIVE", "C_REACTIVE_PROTEIN", "CRP_US"),
    ("VS", "VITESSE_SEDIMENTATION", "ESR"),
    ("FERRITINE", "FERRITIN", "FERRITINEMIE"),
    ("FER_SERIQUE", "SIDEREMIE", "SERUM_IRON"),
    ("TRANSFERRINE", "CST", "COEFFICIENT_SATURATION_TRANSFERRINE"),
    ("SODIUM", "NATREMIE"),
    ("POTASSIUM", "KALIEMIE"),
    ("CHLORE", "CHLOREMIE", "CHLORIDE"),
    ("CALCIUM", "CALCEMIE"),
    ("PHOSPHORE", "PHOSPHOREMIE", "PHOSPHATE"),
    ("MAGNESIUM", "MAGNESEMIE", "MG_SERIQUE"),
    ("BICARBONATES", "RESERVE_ALCALINE", "HCO3"),
    ("PROTIDES", "PROTEINES_TOTALES", "PROTIDEMIE", "TOTAL_PROTEIN"),
    ("ALBUMINE", "ALBUMIN"),
    ("CHOLESTEROL", "CHOLESTEROL_TOTAL", "CHOL", "CT"),
    ("HDL", "HDL_CHOLESTEROL", "HDL_C"),
    ("LDL", "LDL_CHOLESTEROL", "LDL_C"),
    ("TRIGLYCERIDES", "TG", "TRIG"),
    ("TSH", "TSH_US", "THYREOSTIMULINE"),
    ("T4_LIBRE", "T4L", "FT4", "T4"),
    ("T3_LIBRE", "T3L", "FT3", "T3"),
    ("PSA", "PSA_TOTAL", "PSA_LIBRE", "ANTIGENE_PROSTATIQUE"),
    ("VITAMINE_D", "25_OH_D", "VIT_D", "VITAMIN_D", "25OHD", "25_OH_VITAMINE_D"),
    ("VITAMINE_B12", "B12", "VIT_B12", "COBALAMINE"),
    ("FOLATES", "ACIDE_FOLIQUE", "B9"),
    ("INR",),
    ("TP", "TAUX_PROTHROMBINE", "TAUX_DE_PROTHROMBINE"),
    ("TCA", "APTT", "TCK"),
    ("FIBRINOGENE", "FIBRINOGEN"),
    ("D_DIMERES", "DDIMERES", "D_DIMER"),
    ("TROPONINE", "TROPONIN", "TNI", "TNT", "TROPONINE_US"),
    ("BNP", "NT_PROBNP", "NTPROBNP"),
    ("BETA_HCG", "BHCG", "HCG", "B_HCG"),
    ("LIPASE",),
    ("AMYLASE", "AMYLASEMIE"),
    ("CPK", "CK", "CREATINE_KINASE"),
    ("LDH",),
    ("PROCALCITONINE", "PCT_SERIQUE", "PROCALCITONIN"),
    ("MICROALBUMINURIE", "ALBUMINURIE", "RAC", "PROTEINURIE"),
    ("LITHIUM", "LITHEMIE"),
    ("DIGOXINE", "DIGOXINEMIE"),
    ("CORTISOL",),
    ("PROLACTINE",),
    ("FSH",),
    ("LH",),
    ("OESTRADIOL", "ESTRADIOL", "E2"),
    ("PROGESTERONE",),
    ("TESTOSTERONE",),
    ("AMH",),
    ("CA_125", "CA125"),
    ("CA_19_9", "CA199"),
    ("CA_15_3", "CA153"),
    ("ACE", "CEA"),
    ("ALPHA_FOETOPROTEINE", "AFP"),
    ("VITAMINE_B9",),
    ("ZINC",),
    ("CUIVRE",),
    ("LACTATES", "LACTATE"),
)
# Abbreviations that name other things in tables too: an analyte only with a unit.
NEEDS_UNIT = frozenset({"K", "NA", "CL", "CA", "PT", "GB", "GR", "P", "FE", "MG", "CT", "TG",
                        "VS", "HT", "T3", "T4", "E2", "RAC", "ACE", "LH", "CK", "TP"})  # fmt: skip
_AMBIGUOUS_NAMES = {"K": "POTASSIUM", "NA": "SODIUM", "CL": "CHLORE", "CA": "CALCIUM",
                    "GB": "LEUCOCYTES", "GR": "HEMATIES", "P": "PHOSPHORE", "FE": "FER_SERIQUE",
                    "MG": "MAGNESIUM", "PT": "TP"}  # fmt: skip
# Header tokens of units (headers are folded and split: "µUI/mL" -> UI_M_L).
_UNIT_TOKENS = frozenset({"G", "MG", "UG", "NG", "PG", "MMOL", "UMOL", "NMOL", "PMOL", "MOL",
                          "UI", "MUI", "U", "L", "DL", "ML", "D", "M", "PCT", "POURCENT",
                          "PERCENT", "FL", "SEC", "S", "T", "GIGA", "H", "MM", "MIN", "100",
                          "1", "73", "M2", "PAR", "PER", "EN", "MICRO"})  # fmt: skip

_UNIT = (
    r"(?:[mµuμnp]?mol|[mµuμnp]?g|[mµuμ]?UI|U|UA|G|T|Giga|fL|pg|mm|mEq|mL)"
    r"\s*/\s*(?:[mµuμd]?L|l|100\s*mL|h|min(?:/1[.,]73\s*m2|/1[.,]73\s*m²)?|kg)"
    r"|%|‰|fL|pg|sec|s|mm/h|ratio|INR"
)
_NUMBER = r"[<>≤≥]?\s*=?\s*[+-]?\d{1,6}(?:[.,]\d{1,4})?"
NUMERIC = re.compile(_NUMBER)
WITH_UNIT = re.compile(rf"{_NUMBER}\s*(?:{_UNIT})", re.IGNORECASE)
NUMERIC_OR_UNIT = re.compile(rf"{_NUMBER}(?:\s*(?:{_UNIT}))?", re.IGNORECASE)


@cache
def _names() -> frozenset[str]:
    names = {n for row in ANALYTES for n in row} - NEEDS_UNIT
    return frozenset(names | {n.replace("_", "") for n in names})


def analyte_of(header: str) -> str | None:
    """The analyte a (normalised) header names, with or without a trailing unit: the
    whole header is tried first ("VITAMINE_D"), then without its unit tokens one by one."""
    tokens = [t for t in header.split("_") if t]
    end = len(tokens)
    while end >= 1:
        name = "_".join(tokens[:end])
        for form in (name, name.replace("_", "")):
            if form in _names():
                return form
        if end < len(tokens) and name in NEEDS_UNIT:
            return _AMBIGUOUS_NAMES.get(name, name)
        if tokens[end - 1] not in _UNIT_TOKENS:
            return None
        end -= 1
    return None


def _validate_number(value: str) -> tuple[bool, str, str]:
    return True, "analyte.value", "a number (with its unit when written), under an analyte header"


def _validate_unit(value: str) -> tuple[bool, str, str]:
    return True, "lab_value.unit", "a number with a unit of clinical biology"


ANALYTE = Recognizer(
    name="analyte",
    noun="lab results under an analyte's name",
    element="health.result",
    description="Lab results in a column named after the analyte (HbA1c, TSH, CRP...)",
    shape=NUMERIC_OR_UNIT,
    validate=_validate_number,
    mask=mask_code,
    # the canonical names; abbreviations and units are matched by analyte_of (headers.py)
    header_hints=tuple(row[0] for row in ANALYTES),
    specificity=4,
    needs_header=True,
)

LAB_VALUE = Recognizer(
    name="lab_value",
    noun="numbers with a unit of clinical biology",
    element="health.result",
    description="Lab results written with their unit (5,4 mmol/L, 13.2 g/dL)",
    shape=WITH_UNIT,
    validate=_validate_unit,
    mask=mask_code,
    header_hints=("RESULTAT", "RESULTATS", "VALEUR", "RESULT", "VALUE", "RES", "VAL_RES"),
    specificity=3,
)
