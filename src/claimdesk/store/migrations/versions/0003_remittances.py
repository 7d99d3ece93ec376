"""Remittances and Tier 2 work: ingested files, 835 payments, claim payments as posted, appeals,
the payer follow-up log, write-off requests, secondary claims and imported CARC/RARC texts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal, UtcDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "code_texts",
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("imported_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "code", name=op.f("pk_code_texts")),
    )
    op.create_table(
        "remit_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("ingested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("ingested_by", sa.String(length=80), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_remit_files")),
    )
    op.create_table(
        "remittances",
        sa.Column("remittance_id", sa.String(length=40), nullable=False),
        sa.Column("payer_key", sa.String(length=80), nullable=False),
        sa.Column("payee_key", sa.String(length=80), nullable=False),
        sa.Column("trace_number", sa.String(length=50), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("control_number", sa.String(length=9), nullable=False),
        sa.Column("payment_amount", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("claims_paid", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("posted_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("remittance_id", name=op.f("pk_remittances")),
        sa.UniqueConstraint(
            "payer_key",
            "payee_key",
            "trace_number",
            name=op.f("uq_remittances_payer_key_payee_key_trace_number"),
        ),
    )
    op.create_index(
        op.f("ix_remittances_file_sha256"), "remittances", ["file_sha256"], unique=False
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("denial_codes", sa.String(length=200), nullable=False),
        sa.Column("amount", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("argument", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("letter_path", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name=op.f("fk_appeals_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    op.create_index(op.f("ix_appeals_claim_id"), "appeals", ["claim_id"], unique=False)
    op.create_table(
        "claim_payments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("remittance_id", sa.String(length=40), nullable=False),
        sa.Column("position_index", sa.Integer(), nullable=False),
        sa.Column("patient_control_number", sa.String(length=38), nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("clp_status", sa.String(length=2), nullable=False),
        sa.Column("charge", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("paid", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("patient_share", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("denied", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("shortfall", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("payer_claim_number", sa.String(length=50), nullable=False),
        sa.Column("crossed_over", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entry_ids", sa.JSON(), nullable=False),
        sa.Column("adjudication", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name=op.f("fk_claim_payments_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["remittance_id"],
            ["remittances.remittance_id"],
            name=op.f("fk_claim_payments_remittance_id_remittances"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_payments")),
        sa.UniqueConstraint(
            "remittance_id",
            "position_index",
            name=op.f("uq_claim_payments_remittance_id_position_index"),
        ),
    )
    op.create_index(
        "ix_claim_payments_claim", "claim_payments", ["claim_id", "status"], unique=False
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("next_follow_up", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name=op.f("fk_follow_ups_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    op.create_index(op.f("ix_follow_ups_claim_id"), "follow_ups", ["claim_id"], unique=False)
    op.create_index(op.f("ix_follow_ups_reference"), "follow_ups", ["reference"], unique=False)
    op.create_table(
        "write_off_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("amount", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("reason_code", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("entry_id", sa.String(length=120), nullable=True),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name=op.f("fk_write_off_requests_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_off_requests")),
    )
    op.create_index(
        op.f("ix_write_off_requests_claim_id"), "write_off_requests", ["claim_id"], unique=False
    )
    op.create_table(
        "secondary_claims",
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("primary_claim_id", sa.String(length=38), nullable=False),
        sa.Column("claim_payment_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name=op.f("fk_secondary_claims_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["claim_payment_id"],
            ["claim_payments.id"],
            name=op.f("fk_secondary_claims_claim_payment_id_claim_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["primary_claim_id"],
            ["claims.claim_id"],
            name=op.f("fk_secondary_claims_primary_claim_id_claims"),
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_secondary_claims")),
    )
    op.create_index(
        op.f("ix_secondary_claims_primary_claim_id"),
        "secondary_claims",
        ["primary_claim_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_secondary_claims_primary_claim_id"), table_name="secondary_claims")
    op.drop_table("secondary_claims")
    op.drop_index(op.f("ix_write_off_requests_claim_id"), table_name="write_off_requests")
    op.drop_table("write_off_requests")
    op.drop_index(op.f("ix_follow_ups_reference"), table_name="follow_ups")
    op.drop_index(op.f("ix_follow_ups_claim_id"), table_name="follow_ups")
    op.drop_table("follow_ups")
    op.drop_index("ix_claim_payments_claim", table_name="claim_payments")
    op.drop_table("claim_payments")
    op.drop_index(op.f("ix_appeals_claim_id"), table_name="appeals")
    op.drop_table("appeals")
    op.drop_index(op.f("ix_remittances_file_sha256"), table_name="remittances")
    op.drop_table("remittances")
    op.drop_table("remit_files")
    op.drop_table("code_texts")
