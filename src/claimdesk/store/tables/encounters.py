"""Encounters with their diagnoses in claim order and their service lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    Base,
)
from claimdesk.store.types import units_type


class EncounterRow(Base):
    __tablename__ = "encounters"
    # Equal to an account, or starting with one (search): see claims.PREFIX.
    __table_args__ = (
        Index(
            "ix_encounters_patient_account",
            "patient_account",
            postgresql_ops={"patient_account": "text_pattern_ops"},
        ),
    )

    encounter_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    patient_account: Mapped[str] = mapped_column(ForeignKey("patients.account"))
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
    # Loop 2410, for a drug line: the NDC (11 digits, "" when none), its quantity (CTP04), unit
    # (CTP05-1) and one reference (REF*XZ prescription number or REF*VY link sequence).
    ndc: Mapped[str] = mapped_column(String(11), default="", server_default="")
    ndc_quantity: Mapped[Decimal | None] = mapped_column(units_type())
    ndc_unit: Mapped[str] = mapped_column(String(2), default="", server_default="")
    ndc_prescription: Mapped[str] = mapped_column(String(50), default="", server_default="")
    ndc_link_sequence: Mapped[str] = mapped_column(String(50), default="", server_default="")
