"""Accounts proposed for, approved for and handed to a collection agency (docs/collections.md)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import USER_LEN, Base
from claimdesk.store.tables.statements import ACCOUNT_LEN


class CollectionReferralRow(Base):
    """One account's referral to collections: proposed (a Tier 3 item), approved or rejected by
    another manager, then exported (its balance written off as bad debt). ``claims`` lists the
    claims written off, space separated, once exported."""

    __tablename__ = "collection_referrals"
    __table_args__ = (Index("ix_collection_referrals_account", "account", "status"),)

    referral_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account: Mapped[str] = mapped_column(String(ACCOUNT_LEN))
    status: Mapped[str] = mapped_column(String(20))
    balance: Mapped[Decimal]
    oldest_since: Mapped[date]
    statements: Mapped[int]
    last_statement: Mapped[date | None]
    proposed_at: Mapped[datetime]
    proposed_by: Mapped[str] = mapped_column(String(USER_LEN))
    work_item_id: Mapped[int | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(USER_LEN))
    exported_at: Mapped[datetime | None]
    exported_by: Mapped[str | None] = mapped_column(String(USER_LEN))
    written_off: Mapped[Decimal | None]
    claims: Mapped[str] = mapped_column(Text, default="")
    export_file: Mapped[str] = mapped_column(Text, default="")


class GoodFaithEstimateRow(Base):
    """A good-faith estimate kept with its encounter (45 CFR 149.610): ``data`` is its JSON
    (docs/good-faith-estimates.md), ``pdf_file`` its PDF in the practice's archive. ``status``
    is ``open``, then ``dispute`` once the billed charges exceed it by the threshold (a
    dispute hold on the account and a Tier 2 item), then ``resolved``."""

    __tablename__ = "good_faith_estimates"

    gfe_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    encounter_id: Mapped[str] = mapped_column(String(80), unique=True)
    patient_account: Mapped[str] = mapped_column(String(ACCOUNT_LEN))
    account: Mapped[str] = mapped_column(String(ACCOUNT_LEN))
    provider_npi: Mapped[str] = mapped_column(String(10))
    total: Mapped[Decimal]
    data: Mapped[str] = mapped_column(Text)
    pdf_file: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    made_on: Mapped[date]
    made_at: Mapped[datetime]
    made_by: Mapped[str] = mapped_column(String(USER_LEN))
    billed: Mapped[Decimal | None]
    flagged_at: Mapped[datetime | None]
    work_item_id: Mapped[int | None]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(USER_LEN))
    resolution: Mapped[str] = mapped_column(Text, default="")
