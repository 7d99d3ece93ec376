"""Submission batches with their claims, the X12 control numbers and the acknowledgment and
eligibility files read.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    CLAIM_LEN,
    PAYER_LEN,
    USER_LEN,
    Base,
)


class SubmissionBatchRow(Base):
    """One 837 file to one payer, with its clean claim rate and first-pass acceptance."""

    __tablename__ = "submission_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    payer_id: Mapped[str] = mapped_column(String(PAYER_LEN))
    transaction: Mapped[str] = mapped_column(String(4))  # 837P or 837I
    file_name: Mapped[str] = mapped_column(Text)
    sender_id: Mapped[str] = mapped_column(String(15))  # ISA06
    receiver_id: Mapped[str] = mapped_column(String(15))  # ISA08
    interchange_control_number: Mapped[int]
    group_control_number: Mapped[int]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(USER_LEN))
    # Claims of this payer scrubbed in the run, passed every edit, and held.
    scrubbed: Mapped[int]
    clean: Mapped[int]
    held: Mapped[int]
    submitted: Mapped[int]
    total_charge: Mapped[Decimal]
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class OutboxFileRow(Base):
    """A file claimdesk sends (837, 270, 276), recorded in the transaction that stages it: a
    staged file a crash left behind is published when this row committed, dropped when not."""

    __tablename__ = "outbox_files"

    file_name: Mapped[str] = mapped_column(String(120), primary_key=True)
    transaction: Mapped[str] = mapped_column(String(4))  # ST01: 837, 270, 276
    sha256: Mapped[str] = mapped_column(String(64))
    staged_at: Mapped[datetime]
    staged_by: Mapped[str] = mapped_column(String(USER_LEN))


class BatchClaimRow(Base):
    __tablename__ = "batch_claims"
    __table_args__ = (Index("ix_batch_claims_claim", "claim_id"),)

    batch_id: Mapped[int] = mapped_column(ForeignKey("submission_batches.id"), primary_key=True)
    claim_id: Mapped[str] = mapped_column(String(CLAIM_LEN), primary_key=True)
    transaction_control_number: Mapped[str] = mapped_column(String(9))  # ST02
    charge: Mapped[Decimal]
    # submitted, then accepted or rejected by the first acknowledgment that names the claim.
    outcome: Mapped[str] = mapped_column(String(10))
    outcome_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")


class ControlNumberRow(Base):
    """The last control number used per counter (ISA13/GS06 per sender), never reused."""

    __tablename__ = "x12_control_numbers"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_value: Mapped[int]


class Tier1FileRow(Base):
    """An acknowledgment or eligibility file read, by content: reading it again does nothing."""

    __tablename__ = "tier1_files"
    __table_args__ = (UniqueConstraint("sha256", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))  # 999, 277CA, 271
    name: Mapped[str] = mapped_column(Text)
    read_at: Mapped[datetime]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
