"""Patients and their guarantors."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    ADDRESS_LEN,
    NAME_LEN,
    Base,
)


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
    uninsured_since: Mapped[date | None]
