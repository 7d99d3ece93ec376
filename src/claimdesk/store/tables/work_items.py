"""Work items and their history.

Work items refer to claims, patients and remittances by their keys without foreign keys: an item
may concern a remittance or a payment that matches no claim yet, and the queue must accept it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    QUEUE_LEN,
    USER_LEN,
    Base,
)
from claimdesk.store.types import ScaledDecimal


class WorkItemRow(Base):
    __tablename__ = "work_items"
    __table_args__ = (
        # The hand-out query: the best open item of one queue, read from the top of this index.
        Index("ix_work_items_hand_out", "status", "queue", "priority", "id"),
        # The queue page sorted by amount at stake or by deadline, a queue at a time (0032).
        Index("ix_work_items_by_amount", "status", "queue", "amount_at_stake", "id"),
        Index("ix_work_items_by_deadline", "status", "queue", "deadline", "id"),
        Index("ix_work_items_lease", "status", "lease_until"),
        Index("ix_work_items_snooze", "status", "snoozed_until"),
        Index("ix_work_items_closed", "status", "closed_at"),
        Index("ix_work_items_claim", "claim_id", "problem_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    tier: Mapped[int]
    queue: Mapped[str] = mapped_column(String(QUEUE_LEN))
    problem_key: Mapped[str] = mapped_column(String(120))
    # "claim|problem" while the item is active, NULL once it ends: a unique column (NULLs are
    # distinct on both engines) keeps one active item per claim and problem even under races.
    open_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    claim_id: Mapped[str | None] = mapped_column(String(38))
    patient_account: Mapped[str | None] = mapped_column(String(80))
    remittance_id: Mapped[str | None] = mapped_column(String(80))
    payer_id: Mapped[str | None] = mapped_column(String(80))
    amount_at_stake: Mapped[Decimal]
    deadline: Mapped[date | None]
    deadline_kind: Mapped[str] = mapped_column(String(20), default="")
    appeal_rights: Mapped[bool]
    summary: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int]
    escalated_from: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"))
    status: Mapped[str] = mapped_column(String(20))
    assignee: Mapped[str | None] = mapped_column(String(USER_LEN))
    lease_until: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(USER_LEN))
    outcome: Mapped[str | None] = mapped_column(String(20))
    resolved_amount: Mapped[Decimal | None]
    # The priority score and its parts, so a person can see why an item is next.
    priority: Mapped[Decimal] = mapped_column(ScaledDecimal(14, 2))
    recovery_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(6, 4))
    rate_source: Mapped[str] = mapped_column(String(10))
    expected_recovery: Mapped[Decimal]
    effort_minutes: Mapped[int]
    urgency: Mapped[Decimal] = mapped_column(ScaledDecimal(7, 3))
    days_left: Mapped[int | None]


class WorkHistoryRow(Base):
    """One change to one item; rows are only ever inserted."""

    __tablename__ = "work_item_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(USER_LEN))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
