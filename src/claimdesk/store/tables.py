"""The schema: one typed declarative mapping per table.

Natural keys from the practice bundle (payer id, NPI, account numbers, encounter id) are the
primary keys where they are a single column, so foreign keys read like the domain and an import
needs no id lookups. Composite natural keys get a surrogate id and a unique constraint.
Enumerations are stored as their string or integer values; the repositories map them back.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from claimdesk.store.types import UtcDateTime, money_type, units_type

# Stable constraint names, so migrations can refer to them on both engines.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Address columns are repeated per table rather than normalised: an address belongs to its owner.
ADDRESS_LEN = 55  # N301 / N302 maximum length
NAME_LEN = 60  # NM103 maximum length


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), Decimal: money_type()}


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapping, for fast bulk statements."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class PayerRow(Base):
    __tablename__ = "payers"

    payer_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    kind: Mapped[str] = mapped_column(String(20))
    # The timely filing limit as the payer states it: in days or in calendar months, one of them.
    timely_filing_days: Mapped[int | None]
    appeal_window_days: Mapped[int]
    member_id_pattern: Mapped[str] = mapped_column(String(200), default="")
    timely_filing_months: Mapped[int | None]


class ProviderRow(Base):
    __tablename__ = "providers"

    npi: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    first_name: Mapped[str] = mapped_column(String(35), default="")
    taxonomy: Mapped[str] = mapped_column(String(10))
    tax_id: Mapped[str] = mapped_column(String(20))
    # A provider's address is optional: all four required parts are NULL together.
    address_line1: Mapped[str | None] = mapped_column(String(ADDRESS_LEN))
    address_line2: Mapped[str | None] = mapped_column(String(ADDRESS_LEN))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    postal_code: Mapped[str | None] = mapped_column(String(15))


class FacilityRow(Base):
    __tablename__ = "facilities"

    facility_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    place_of_service: Mapped[str] = mapped_column(String(2))
    npi: Mapped[str] = mapped_column(String(10), default="")
    address_line1: Mapped[str] = mapped_column(String(ADDRESS_LEN))
    address_line2: Mapped[str] = mapped_column(String(ADDRESS_LEN), default="")
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(15))


class GuarantorRow(Base):
    __tablename__ = "guarantors"

    account: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_name: Mapped[str] = mapped_column(String(NAME_LEN))
    first_name: Mapped[str] = mapped_column(String(35))
    phone: Mapped[str] = mapped_column(String(20), default="")
    address_line1: Mapped[str] = mapped_column(String(ADDRESS_LEN))
    address_line2: Mapped[str] = mapped_column(String(ADDRESS_LEN), default="")
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(15))


class PatientRow(Base):
    __tablename__ = "patients"

    account: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_name: Mapped[str] = mapped_column(String(NAME_LEN))
    first_name: Mapped[str] = mapped_column(String(35))
    middle_name: Mapped[str] = mapped_column(String(25), default="")
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str] = mapped_column(String(20), default="")
    address_line1: Mapped[str] = mapped_column(String(ADDRESS_LEN))
    address_line2: Mapped[str] = mapped_column(String(ADDRESS_LEN), default="")
    city: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(15))
    guarantor_account: Mapped[str | None] = mapped_column(
        ForeignKey("guarantors.account"), index=True
    )


class CoverageRow(Base):
    __tablename__ = "coverages"

    coverage_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    patient_account: Mapped[str] = mapped_column(ForeignKey("patients.account"), index=True)
    payer_id: Mapped[str] = mapped_column(ForeignKey("payers.payer_id"), index=True)
    plan_name: Mapped[str] = mapped_column(String(NAME_LEN))
    member_id: Mapped[str] = mapped_column(String(80))
    group_number: Mapped[str] = mapped_column(String(50))
    priority: Mapped[int]
    relationship: Mapped[str] = mapped_column(String(2))
    effective: Mapped[date]
    termination: Mapped[date | None]
    network_tier: Mapped[int]
    # The subscriber when it is not the patient: all NULL for a self coverage.
    subscriber_last_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    subscriber_first_name: Mapped[str | None] = mapped_column(String(35))
    subscriber_birth_date: Mapped[date | None]
    subscriber_sex: Mapped[str | None] = mapped_column(String(1))


class FeeScheduleRow(Base):
    __tablename__ = "fee_schedule"
    __table_args__ = (UniqueConstraint("code", "modifier", "effective"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(5))
    modifier: Mapped[str] = mapped_column(String(2), default="")
    effective: Mapped[date]
    charge: Mapped[Decimal]


class ContractRateRow(Base):
    __tablename__ = "contract_rates"
    __table_args__ = (UniqueConstraint("payer_id", "code", "modifier", "effective"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payer_id: Mapped[str] = mapped_column(ForeignKey("payers.payer_id"))
    code: Mapped[str] = mapped_column(String(5))
    modifier: Mapped[str] = mapped_column(String(2), default="")
    effective: Mapped[date]
    termination: Mapped[date | None]
    allowed: Mapped[Decimal]


class EncounterRow(Base):
    __tablename__ = "encounters"

    encounter_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    patient_account: Mapped[str] = mapped_column(ForeignKey("patients.account"), index=True)
    rendering_npi: Mapped[str] = mapped_column(ForeignKey("providers.npi"))
    billing_npi: Mapped[str] = mapped_column(ForeignKey("providers.npi"))
    facility_id: Mapped[str] = mapped_column(ForeignKey("facilities.facility_id"))
    date_of_service: Mapped[date] = mapped_column(index=True)
    # The referring provider is often outside the practice, so it is not a foreign key.
    referring_npi: Mapped[str] = mapped_column(String(10), default="")
    prior_authorization: Mapped[str] = mapped_column(String(50), default="")


class EncounterDiagnosisRow(Base):
    """ICD-10-CM codes in claim order: position 1 is the principal diagnosis (HI01)."""

    __tablename__ = "encounter_diagnoses"
    __table_args__ = (CheckConstraint("position BETWEEN 1 AND 12", name="position_range"),)

    encounter_id: Mapped[str] = mapped_column(
        ForeignKey("encounters.encounter_id"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(8))


class ServiceLineRow(Base):
    __tablename__ = "service_lines"

    encounter_id: Mapped[str] = mapped_column(
        ForeignKey("encounters.encounter_id"), primary_key=True
    )
    line_number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    procedure_code: Mapped[str] = mapped_column(String(5))
    charge: Mapped[Decimal]
    units: Mapped[Decimal] = mapped_column(units_type())
    date_of_service: Mapped[date]
    place_of_service: Mapped[str] = mapped_column(String(2))
    # SV101-3..6 and SV107-1..4, in order; unused places are "" and NULL.
    modifier1: Mapped[str] = mapped_column(String(2), default="")
    modifier2: Mapped[str] = mapped_column(String(2), default="")
    modifier3: Mapped[str] = mapped_column(String(2), default="")
    modifier4: Mapped[str] = mapped_column(String(2), default="")
    pointer1: Mapped[int]
    pointer2: Mapped[int | None]
    pointer3: Mapped[int | None]
    pointer4: Mapped[int | None]


class ClaimRow(Base):
    __tablename__ = "claims"

    claim_id: Mapped[str] = mapped_column(String(38), primary_key=True)  # CLM01: 38 chars
    encounter_id: Mapped[str] = mapped_column(ForeignKey("encounters.encounter_id"), index=True)
    # NULL for a self-pay claim, which has a payer but no coverage.
    coverage_id: Mapped[str | None] = mapped_column(ForeignKey("coverages.coverage_id"))
    payer_id: Mapped[str] = mapped_column(ForeignKey("payers.payer_id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    frequency: Mapped[str] = mapped_column(String(1))
    replaces_payer_claim_number: Mapped[str] = mapped_column(String(50), default="")
    payer_claim_number: Mapped[str] = mapped_column(String(50), default="", index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(80))


class ClaimStatusRow(Base):
    __tablename__ = "claim_status_history"
    __table_args__ = (UniqueConstraint("claim_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"))
    seq: Mapped[int]
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(80))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")


class LedgerEntryRow(Base):
    """A journal entry. Rows are only ever inserted; ``id`` keeps the order they were posted in."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    effective: Mapped[date]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(Text, default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    # Unique: an entry can be reversed at most once, enforced by the database too.
    reverses: Mapped[str | None] = mapped_column(ForeignKey("ledger_entries.entry_id"), unique=True)


class LedgerPostingRow(Base):
    __tablename__ = "ledger_postings"
    __table_args__ = (
        UniqueConstraint("entry_id", "position"),
        Index("ix_ledger_postings_claim_line", "claim_id", "line_number", "account"),
        Index("ix_ledger_postings_patient", "patient_account", "account"),
        Index("ix_ledger_postings_payer", "payer_id", "account"),
        Index("ix_ledger_postings_account", "account"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("ledger_entries.entry_id"))
    position: Mapped[int]
    account: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal]  # debit positive, credit negative
    patient_account: Mapped[str] = mapped_column(ForeignKey("patients.account"))
    claim_id: Mapped[str | None] = mapped_column(ForeignKey("claims.claim_id"))
    line_number: Mapped[int | None]
    payer_id: Mapped[str | None] = mapped_column(ForeignKey("payers.payer_id"))


class ImportRow(Base):
    __tablename__ = "imports"

    import_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    imported_by: Mapped[str] = mapped_column(String(80))
    bundle_path: Mapped[str] = mapped_column(Text)
    files_sha256: Mapped[str] = mapped_column(String(64), index=True)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class ImportChangeRow(Base):
    """One field of one row that an import changed, with the value it had before."""

    __tablename__ = "import_changes"
    __table_args__ = (Index("ix_import_changes_entity_key", "entity", "natural_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    changed_at: Mapped[datetime]
    changed_by: Mapped[str] = mapped_column(String(80))
    entity: Mapped[str] = mapped_column(String(40))
    natural_key: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    import_id: Mapped[str] = mapped_column(ForeignKey("imports.import_id"), index=True)
