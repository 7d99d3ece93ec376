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
