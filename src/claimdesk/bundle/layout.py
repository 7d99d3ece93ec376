"""The practice bundle's files and columns (docs/bundle.md is the reference for users).

One table drives the reader's header checks, the synthetic writer's headers and the stable order
of the bundle hash, so the three cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileLayout:
    """One CSV file of the bundle.

    ``columns`` in the order a writer puts them; the ``optional`` ones may be left out of the
    header or left empty, every other column must be in the header and have a value on every row.
    ``key`` is the natural key: unique within the file and the identity an idempotent re-import
    matches on.
    """

    name: str
    columns: tuple[str, ...]
    optional: frozenset[str]
    key: tuple[str, ...]
    required_file: bool = True

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column for column in self.columns if column not in self.optional)


ADDRESS = ("address_line1", "address_line2", "city", "state", "postal_code")

PAYERS = FileLayout(
    "payers.csv",
    columns=(
        "payer_id",
        "name",
        "kind",
        "timely_filing",
        "timely_filing_days",
        "appeal_window_days",
        "member_id_pattern",
        "cob_method",
    ),
    # The filing limit is in timely_filing ("12 months") or timely_filing_days: either will do.
    optional=frozenset({"timely_filing", "timely_filing_days", "member_id_pattern", "cob_method"}),
    key=("payer_id",),
)
PROVIDERS = FileLayout(
    "providers.csv",
    columns=("npi", "kind", "name", "first_name", "taxonomy", "tax_id", *ADDRESS),
    optional=frozenset({"first_name", *ADDRESS}),
    key=("npi",),
)
FACILITIES = FileLayout(
    "facilities.csv",
    columns=("facility_id", "name", "place_of_service", "npi", *ADDRESS),
    optional=frozenset({"npi", "address_line1", "address_line2"}),
    key=("facility_id",),
)
GUARANTORS = FileLayout(
    "guarantors.csv",
    columns=("account", "last_name", "first_name", *ADDRESS, "phone"),
    optional=frozenset({"address_line1", "address_line2", "phone"}),
    key=("account",),
    required_file=False,
)
PATIENTS = FileLayout(
    "patients.csv",
    columns=(
        "account",
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "sex",
        *ADDRESS,
        "phone",
        "guarantor_account",
    ),
    optional=frozenset(
        {"middle_name", "address_line1", "address_line2", "phone", "guarantor_account"}
    ),
    key=("account",),
)
COVERAGES = FileLayout(
    "coverages.csv",
    columns=(
        "coverage_id",
        "patient_account",
        "payer_id",
        "plan_name",
        "member_id",
        "group_number",
        "priority",
        "relationship",
        "effective",
        "termination",
        "network_tier",
        "subscriber_last_name",
        "subscriber_first_name",
        "subscriber_birth_date",
        "subscriber_sex",
    ),
    optional=frozenset(
        {
            "member_id",
            "group_number",
            "termination",
            "subscriber_last_name",
            "subscriber_first_name",
            "subscriber_birth_date",
            "subscriber_sex",
        }
    ),
    key=("coverage_id",),
)
FEE_SCHEDULE = FileLayout(
    "fee_schedule.csv",
    columns=("code", "modifier", "charge", "effective"),
    optional=frozenset({"modifier"}),
    key=("code", "modifier", "effective"),
)
CONTRACTS = FileLayout(
    "contracts.csv",
    columns=("payer_id", "code", "modifier", "allowed", "effective", "termination"),
    optional=frozenset({"modifier", "termination"}),
    key=("payer_id", "code", "modifier", "effective"),
)
ENCOUNTERS = FileLayout(
    "encounters.csv",
    columns=(
        "encounter_id",
        "patient_account",
        "date_of_service",
        "rendering_npi",
        "billing_npi",
        "referring_npi",
        "facility_id",
        "prior_authorization",
    ),
    optional=frozenset({"referring_npi", "prior_authorization"}),
    key=("encounter_id",),
)
SERVICE_LINES = FileLayout(
    "service_lines.csv",
    columns=(
        "encounter_id",
        "line_number",
        "procedure_code",
        "modifiers",
        "units",
        "charge",
        "diagnosis_pointers",
        "date_of_service",
        "place_of_service",
    ),
    optional=frozenset({"modifiers", "date_of_service", "place_of_service"}),
    key=("encounter_id", "line_number"),
)
DIAGNOSES = FileLayout(
    "diagnoses.csv",
    columns=("encounter_id", "sequence", "code"),
    optional=frozenset(),
    key=("encounter_id", "sequence"),
)

# Reading order: every file comes after the files it refers to. Also the bundle hash's order.
LAYOUTS: tuple[FileLayout, ...] = (
    PAYERS,
    PROVIDERS,
    FACILITIES,
    GUARANTORS,
    PATIENTS,
    COVERAGES,
    FEE_SCHEDULE,
    CONTRACTS,
    ENCOUNTERS,
    SERVICE_LINES,
    DIAGNOSES,
)

# Separators inside one cell: "25:59" modifiers, "1:2" diagnosis pointers.
LIST_SEPARATOR = ":"
