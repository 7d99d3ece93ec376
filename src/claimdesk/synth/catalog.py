"""What a synthetic practice is made of: payers, procedure codes, diagnosis codes, taxonomies.

Procedure codes appear as codes only: CPT descriptions are AMA-licensed and never ship. Diagnosis
codes come from the installed ICD-10-CM code set: each curated prefix is expanded to its billable
(leaf) codes once, so every generated code is one the package knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

import simple_icd_10_cm as icd

from claimdesk.domain.filing import FilingLimit, FilingUnit
from claimdesk.domain.payers import GOVERNMENT_TIMELY_FILING, PayerKind

# Letters an MBI may use: A-Z without S, L, O, I, B and Z (CMS MBI format specification).
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"
_MBI_ALPHA = f"[{MBI_LETTERS}]"
_MBI_ALNUM = f"[{MBI_LETTERS}0-9]"
MBI_PATTERN = (
    f"^[1-9]{_MBI_ALPHA}{_MBI_ALNUM}[0-9]{_MBI_ALPHA}{_MBI_ALNUM}[0-9]{_MBI_ALPHA}{{2}}[0-9]{{2}}$"
)


@dataclass(frozen=True, slots=True)
class PayerSpec:
    """A synthetic payer and how its member ids look (``shape``: L letter, 9 digit, M MBI)."""

    payer_id: str
    name: str
    kind: PayerKind
    # As real payers state it: government payers in months, commercial ones in days.
    timely_filing: FilingLimit
    appeal_window_days: int
    member_id_pattern: str
    member_id_shape: str
    plans: tuple[str, ...]
    # Allowed amount as a share of our charge; government payers pay least, commercial most.
    allowed_share: Decimal


MEDICARE = PayerSpec(
    "MCR01",
    "Medicare Part B (synthetic contractor)",
    PayerKind.MEDICARE,
    GOVERNMENT_TIMELY_FILING,
    # Redetermination: 120 days from the initial determination (42 CFR 405.942).
    120,
    MBI_PATTERN,
    "M",
    ("Medicare Part B",),
    Decimal("0.42"),
)
MEDICAID = PayerSpec(
    "MCD01",
    "State Medicaid (synthetic)",
    PayerKind.MEDICAID,
    GOVERNMENT_TIMELY_FILING,
    90,
    "^[A-Z]{2}[0-9]{9}$",
    "LL999999999",
    ("Medicaid Fee-for-Service",),
    Decimal("0.36"),
)
COMMERCIAL = (
    PayerSpec(
        "SHP01",
        "Summit Health Plan",
        PayerKind.COMMERCIAL,
        FilingLimit(90, FilingUnit.DAYS),
        180,
        "^SH[0-9]{9}$",
        "SH999999999",
        ("Summit PPO Gold", "Summit HMO Select"),
        Decimal("0.66"),
    ),
    PayerSpec(
        "LMI02",
        "Lakeshore Mutual Insurance",
        PayerKind.COMMERCIAL,
        FilingLimit(180, FilingUnit.DAYS),
        90,
        "^[A-Z]{3}[0-9]{9}$",
        "LLL999999999",
        ("Lakeshore EPO Standard", "Lakeshore HDHP Bronze"),
        Decimal("0.74"),
    ),
    PayerSpec(
        "PBA03",
        "Prairie Benefit Administrators",
        PayerKind.COMMERCIAL,
        FilingLimit(120, FilingUnit.DAYS),
        60,
        "^[0-9]{11}$",
        "99999999999",
        ("Prairie Choice PPO",),
        Decimal("0.58"),
    ),
)
WORKERS_COMP = PayerSpec(
    "KWC01",
    "Keystone Workers' Compensation Fund",
    PayerKind.WORKERS_COMP,
    FilingLimit(180, FilingUnit.DAYS),
    90,
    "^WC[0-9]{8}$",
    "WC99999999",
    ("Workers' Compensation",),
    Decimal("0.55"),
)
PAYERS: tuple[PayerSpec, ...] = (MEDICARE, MEDICAID, *COMMERCIAL, WORKERS_COMP)

# Our charge per unit in dollars (fee schedule). Codes only, never descriptions.
FEES: dict[str, int] = {
    "99202": 120, "99203": 180, "99204": 270, "99205": 340,
    "99212": 95, "99213": 150, "99214": 220, "99215": 300,
    "99381": 190, "99382": 205, "99383": 220, "99384": 235,
    "99385": 250, "99386": 265, "99387": 280,
    "99391": 170, "99392": 185, "99393": 200, "99394": 215,
    "99395": 225, "99396": 240, "99397": 255,
    "36415": 20, "81002": 15, "85025": 35, "80053": 55, "80061": 60, "83036": 40,
    "87880": 45, "87804": 45, "93000": 75, "71046": 120, "73610": 110, "72100": 115,
    "90471": 35, "90686": 45, "90715": 65, "96372": 50, "94640": 55, "97110": 60,
    "20610": 220, "J1100": 8, "J3301": 12, "G0438": 250, "G0439": 200,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DrugSpec:
    """The package a drug code's doses come from: its NDC (11 digits, 5-4-2) and strength."""

    ndc: str
    per_unit: Decimal  # of the drug, in the HCPCS descriptor's dose per billed unit
    per_milliliter: Decimal  # the same amount per mL of the package

    def milliliters(self, units: int) -> Decimal:
        """CTP04 for ``units`` HCPCS units, counted in mL (CTP05-1 ML)."""
        return Decimal(units) * self.per_unit / self.per_milliliter


# J1100 dexamethasone sodium phosphate, 1 mg per unit, from a 4 mg/mL vial; J3301 triamcinolone
# acetonide, 10 mg per unit, from a 40 mg/mL vial. Medicaid pays these only with the NDC given.
DRUGS: dict[str, DrugSpec] = {
    "J1100": DrugSpec("63323016501", Decimal(1), Decimal(4)),
    "J3301": DrugSpec("00003029305", Decimal(10), Decimal(40)),
}

NEW_PATIENT_EM = ("99202", "99203", "99204", "99205")
ESTABLISHED_EM = ("99212", "99213", "99214", "99215")
EM_CODES = frozenset(NEW_PATIENT_EM + ESTABLISHED_EM)
# Preventive visits by age band: <1, 1-4, 5-11, 12-17, 18-39, 40-64, 65+.
PREVENTIVE_AGE_BANDS = (1, 5, 12, 18, 40, 65)
PREVENTIVE_NEW = ("99381", "99382", "99383", "99384", "99385", "99386", "99387")
PREVENTIVE_ESTABLISHED = ("99391", "99392", "99393", "99394", "99395", "99396", "99397")
# Annual wellness visits are Medicare benefits; Medicare does not cover routine physicals.
MEDICARE_ONLY = frozenset({"G0438", "G0439"})
NOT_MEDICARE = frozenset(PREVENTIVE_NEW + PREVENTIVE_ESTABLISHED)
# Procedures that make a same-day E/M a separately identifiable service (modifier 25).
NEEDS_MODIFIER_25 = frozenset({"96372", "20610", "94640"})


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    last_name: str
    first_name: str
    taxonomy: str


# NUCC taxonomy: 207Q00000X family medicine, 207R00000X internal medicine, 208D00000X general
# practice, 208000000X pediatrics, 363LF0000X family nurse practitioner, 363A00000X physician
# assistant; the group is 261QP2300X (primary care clinic).
INDIVIDUALS: tuple[ProviderSpec, ...] = (
    ProviderSpec("Okafor", "Adaeze", "207Q00000X"),
    ProviderSpec("Lindqvist", "Erik", "207R00000X"),
    ProviderSpec("Moreau", "Claire", "208D00000X"),
    ProviderSpec("Tanaka", "Hiro", "208000000X"),
    ProviderSpec("Delgado", "Marisol", "363LF0000X"),
    ProviderSpec("Brennan", "Owen", "363A00000X"),
)
GROUP_NAME = "Riverbend Family Medicine Group"
TIME_ZONE = "America/New_York"
# The group's enrollment with the payer simulator's clearinghouse (1000A and 1000B).
SUBMITTER = {"id": "RFMG001", "contact": "Billing office", "phone": "6145550100"}
CLEARINGHOUSE = {"id": "CDSIMCH", "name": "Claimdesk Simulated Clearinghouse"}
GROUP_TAXONOMY = "261QP2300X"

# Places of service (CMS POS code set): 11 office, 22 on-campus outpatient hospital, 02 telehealth
# provided other than in the patient's home.
FACILITIES: tuple[tuple[str, str, str], ...] = (
    ("OFFICE1", "Riverbend Main Office", "11"),
    ("HOPD1", "Riverbend Hospital Outpatient Clinic", "22"),
    ("TELE1", "Riverbend Virtual Care", "02"),
)

# Conditions a patient never has together: ICD-10-CM Excludes1 notes forbid coding them on one
# claim (R73 prediabetes excludes diabetes E08-E13).
EXCLUSIVE_CONDITIONS = (frozenset({"diabetes", "prediabetes"}),)

# Curated common prefixes, by the kind of visit that uses them.
CHRONIC_PREFIXES = {
    "diabetes": ("E11.9", "E11.65", "E11.2", "E11.4"),
    "hypertension": ("I10",),
    "lipids": ("E78.0", "E78.1", "E78.2", "E78.5"),
    "reflux": ("K21",),
    "anxiety": ("F41",),
    # Not all of F32: F32.81 (premenstrual dysphoric disorder) is for female patients only.
    "depression": ("F32.0", "F32.1", "F32.2", "F32.9", "F32.A"),
    "obesity": ("E66.0", "E66.9"),
    "prediabetes": ("R73",),
    "asthma": ("J45",),
    "migraine": ("G43.0", "G43.9"),
    "hypothyroidism": ("E03.9",),
}
ACUTE_PREFIXES = {
    "uri": ("J06",),
    "pharyngitis": ("J02",),
    "bronchitis": ("J20",),
    "cough": ("R05",),
    "headache": ("R51",),
    "abdominal": ("R10.1", "R10.3", "R10.9"),
    "uti": ("N39.0",),
    "back": ("M54.2", "M54.5", "M54.6", "M54.9"),
    "urticaria": ("L50",),
    "influenza": ("J11",),
    "chest": ("R07.9",),
    "sinusitis": ("J01",),
    "rhinitis": ("J30",),
}
INJURY_PREFIXES = {
    "back_strain": ("S39.012A",),
    "ankle_sprain": ("S93.401A", "S93.402A"),
    "wrist_sprain": ("S63.501A", "S63.502A"),
    "neck_strain": ("S16.1XXA",),
}
KNEE_OSTEOARTHRITIS = {"RT": "M17.11", "LT": "M17.12"}
# History and status codes: real secondary diagnoses, but never the reason for a visit.
STATUS_CODES = ("Z87.891", "Z79.899", "Z79.84")
INSULIN_STATUS = "Z79.4"
ADULT_EXAM = ("Z00.00", "Z00.01")
CHILD_EXAM = ("Z00.129", "Z00.121")
IMMUNIZATION = "Z23"


class CatalogError(RuntimeError):
    """The installed ICD-10-CM code set lacks a code this catalog relies on (a packaging bug)."""


def _leaves(prefix: str) -> tuple[str, ...]:
    if not icd.is_valid_item(prefix):
        raise CatalogError(f"{prefix} is not in the installed ICD-10-CM code set")
    if icd.is_leaf(prefix):
        return (prefix,)
    return tuple(code for code in icd.get_descendants(prefix) if icd.is_leaf(code))


def _expand(groups: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {
        name: tuple(code for prefix in prefixes for code in _leaves(prefix))
        for name, prefixes in groups.items()
    }


@dataclass(frozen=True, slots=True)
class DiagnosisCatalog:
    chronic: dict[str, tuple[str, ...]]
    acute: dict[str, tuple[str, ...]]
    injury: dict[str, tuple[str, ...]]
    # Leaf code -> its non-billable parent category or subcategory, for defects.
    parents: dict[str, str]


@cache
def diagnosis_catalog() -> DiagnosisCatalog:
    """The billable codes under every curated prefix, verified against the installed code set."""
    chronic = _expand(CHRONIC_PREFIXES)
    acute = _expand(ACUTE_PREFIXES)
    injury = _expand(INJURY_PREFIXES)
    singles = (
        *KNEE_OSTEOARTHRITIS.values(),
        *STATUS_CODES,
        INSULIN_STATUS,
        *ADULT_EXAM,
        *CHILD_EXAM,
        IMMUNIZATION,
    )
    for code in singles:
        if _leaves(code) != (code,):
            raise CatalogError(f"{code} is not a billable (leaf) ICD-10-CM code")
    parents: dict[str, str] = {}
    for group in (chronic, acute, injury):
        for codes in group.values():
            for code in codes:
                parent = icd.get_parent(code)
                if icd.is_category_or_subcategory(parent):
                    parents[code] = parent
    return DiagnosisCatalog(chronic, acute, injury, parents)


def is_known_diagnosis(code: str) -> bool:
    """Whether the installed ICD-10-CM code set has ``code`` (with or without the dot)."""
    return bool(icd.is_valid_item(code))
