"""Collection referrals: accounts proposed, approved and handed to a collection agency (issue 16).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal, UtcDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "collection_referrals",
        sa.Column("referral_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("balance", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("oldest_since", sa.Date(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("last_statement", sa.Date(), nullable=True),
        sa.Column("proposed_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("proposed_by", sa.String(length=80), nullable=False),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("exported_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("exported_by", sa.String(length=80), nullable=True),
        sa.Column("written_off", ScaledDecimal(precision=12, scale=2), nullable=True),
        sa.Column("claims", sa.Text(), nullable=False),
        sa.Column("export_file", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_collection_referrals")),
    )
    op.create_index(
        "ix_collection_referrals_account",
        "collection_referrals",
        ["account", "status"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_collection_referrals_account", table_name="collection_referrals")
    op.drop_table("collection_referrals")
