"""Collection referrals (accounts sent to a collection agency), good-faith estimates (issue 16).

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
    op.create_table(
        "good_faith_estimates",
        sa.Column("gfe_id", sa.String(length=100), nullable=False),
        sa.Column("encounter_id", sa.String(length=80), nullable=False),
        sa.Column("patient_account", sa.String(length=80), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("provider_npi", sa.String(length=10), nullable=False),
        sa.Column("total", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("pdf_file", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("made_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("made_by", sa.String(length=80), nullable=False),
        sa.Column("billed", ScaledDecimal(precision=12, scale=2), nullable=True),
        sa.Column("flagged_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=80), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("gfe_id", name=op.f("pk_good_faith_estimates")),
        sa.UniqueConstraint("encounter_id", name=op.f("uq_good_faith_estimates_encounter_id")),
    )


def downgrade() -> None:
    op.drop_table("good_faith_estimates")
    op.drop_index("ix_collection_referrals_account", table_name="collection_referrals")
    op.drop_table("collection_referrals")
