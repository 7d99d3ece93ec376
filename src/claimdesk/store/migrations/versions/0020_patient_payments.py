"""Patient payments and refunds: the payments patients made (the receipt's facts and how each
ended) and refund requests waiting for a second person (issue 16).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal, UtcDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money(name: str) -> sa.Column[object]:
    return sa.Column(name, ScaledDecimal(precision=12, scale=2), nullable=False)


def upgrade() -> None:
    op.create_table(
        "patient_payments",
        sa.Column("payment_id", sa.String(length=40), nullable=False),
        sa.Column("receipt_number", sa.Integer(), nullable=False),
        sa.Column("patient_account", sa.String(length=80), nullable=False),
        _money("amount"),
        _money("applied"),
        _money("unapplied"),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("entry_id", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("reversal_entry_id", sa.String(length=120), nullable=True),
        sa.Column("reversal_reason", sa.String(length=20), nullable=False),
        sa.Column("reversal_note", sa.Text(), nullable=False),
        sa.Column("reversed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("reversed_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.entry_id"],
            name=op.f("fk_patient_payments_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_account"],
            ["patients.account"],
            name=op.f("fk_patient_payments_patient_account_patients"),
        ),
        sa.ForeignKeyConstraint(
            ["reversal_entry_id"],
            ["ledger_entries.entry_id"],
            name=op.f("fk_patient_payments_reversal_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_patient_payments")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_patient_payments_receipt_number")),
    )
    op.create_index(
        "ix_patient_payments_account",
        "patient_payments",
        ["patient_account", "received_on"],
        unique=False,
    )
    op.create_table(
        "refund_requests",
        sa.Column("request_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("patient_account", sa.String(length=80), nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=True),
        sa.Column("payer_id", sa.String(length=80), nullable=True),
        _money("amount"),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=80), nullable=False),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("entry_id", sa.String(length=120), nullable=True),
        sa.Column("work_item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.entry_id"],
            name=op.f("fk_refund_requests_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_account"],
            ["patients.account"],
            name=op.f("fk_refund_requests_patient_account_patients"),
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_refund_requests")),
    )


def downgrade() -> None:
    op.drop_table("refund_requests")
    op.drop_index("ix_patient_payments_account", table_name="patient_payments")
    op.drop_table("patient_payments")
