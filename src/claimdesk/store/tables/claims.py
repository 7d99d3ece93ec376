"""Claims, their status history and the link of a secondary claim to its primary payment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import (
    Base,
)

# Search finds claims by the first characters of their keys (``LIKE 'x%'``). PostgreSQL uses
# a btree index for that only with the pattern operator class, unless the database collates as
# C (migration 0032).
PREFIX = "text_pattern_ops"


class ClaimRow(Base):
    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_claim_id_prefix", "claim_id", postgresql_ops={"claim_id": PREFIX}),
        Index(
            "ix_claims_payer_claim_number",
            "payer_claim_number",
            postgresql_ops={"payer_claim_number": PREFIX},
        ),
    )

    claim_id: Mapped[str] = mapped_column(String(38), primary_key=True)  # CLM01: 38 chars
    encounter_id: Mapped[str] = mapped_column(ForeignKey("encounters.encounter_id"), index=True)
    # NULL for a self-pay claim, which has a payer but no coverage.
    coverage_id: Mapped[str | None] = mapped_column(ForeignKey("coverages.coverage_id"))
    payer_id: Mapped[str] = mapped_column(ForeignKey("payers.payer_id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    frequency: Mapped[str] = mapped_column(String(1))
    replaces_payer_claim_number: Mapped[str] = mapped_column(String(50), default="")
    payer_claim_number: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(80))
    # This payer's authorization number (REF*G1) when it is not the visit's (migration 0029).
    prior_authorization: Mapped[str] = mapped_column(String(50), default="", server_default="")


class ClaimStatusRow(Base):
    __tablename__ = "claim_status_history"
    __table_args__ = (
        UniqueConstraint("claim_id", "seq"),
        Index("ix_claim_status_history_claim_status", "claim_id", "to_status", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"))
    seq: Mapped[int]
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(80))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")


class SecondaryClaimRow(Base):
    """A secondary claim and the primary payment whose adjudication it carries."""

    __tablename__ = "secondary_claims"

    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"), primary_key=True)
    primary_claim_id: Mapped[str] = mapped_column(ForeignKey("claims.claim_id"), index=True)
    claim_payment_id: Mapped[int] = mapped_column(ForeignKey("claim_payments.id"))
    created_at: Mapped[datetime]
