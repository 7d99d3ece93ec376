"""Reference data: payers, providers, facilities, the fee schedule, contract rates, the
user's plan/tier directory and the imported CARC/RARC texts.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    ADDRESS_LEN,
    NAME_LEN,
    PAYER_LEN,
    USER_LEN,
    Base,
    fraction,
)


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
    cob_method: Mapped[str | None] = mapped_column(String(30))  # None: the kind's default


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


class PlanTierRow(Base):
    """The user's plan/tier directory: a plan's benefits for providers in one network tier."""

    __tablename__ = "plan_tiers"

    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN), primary_key=True)
    plan_name: Mapped[str] = mapped_column(String(NAME_LEN), primary_key=True)
    network_tier: Mapped[int] = mapped_column(Integer, primary_key=True)
    copay: Mapped[Decimal]
    coinsurance: Mapped[Decimal] = mapped_column(fraction())
    deductible: Mapped[Decimal]
    out_of_pocket_max: Mapped[Decimal]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(USER_LEN))


class CodeTextRow(Base):
    """Official CARC/RARC description texts, imported from a file the user supplies."""

    __tablename__ = "code_texts"

    kind: Mapped[str] = mapped_column(String(4), primary_key=True)  # CARC or RARC
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime]
