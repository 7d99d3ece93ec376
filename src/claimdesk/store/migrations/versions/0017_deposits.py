"""Deposits proven to the bank: the bank files read and the deposits in them or entered by
hand, matched to the 835s by trace (ERA/EFT reassociation, issue 15).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal, UtcDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("layout", sa.String(length=10), nullable=False),
        sa.Column("deposit_count", sa.Integer(), nullable=False),
        sa.Column("deposit_total", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("imported_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_bank_files")),
    )
    op.create_table(
        "deposits",
        sa.Column("deposit_id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("bank_account", sa.String(length=40), nullable=False),
        sa.Column("deposit_date", sa.Date(), nullable=False),
        sa.Column("amount", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("trace_number", sa.String(length=50), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("payer_name", sa.String(length=80), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("record_ref", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("deposit_id", name=op.f("pk_deposits")),
    )
    op.create_index("ix_deposits_trace", "deposits", ["trace_number"], unique=False)
    op.create_index(op.f("ix_deposits_deposit_date"), "deposits", ["deposit_date"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_deposits_deposit_date"), table_name="deposits")
    op.drop_index("ix_deposits_trace", table_name="deposits")
    op.drop_table("deposits")
    op.drop_table("bank_files")
