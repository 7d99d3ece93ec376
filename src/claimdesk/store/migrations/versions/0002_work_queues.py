"""Work queues: people, their extra queues, work items with their score parts, item history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal, UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_users")),
    )
    op.create_table(
        "work_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("problem_key", sa.String(length=120), nullable=False),
        sa.Column("open_key", sa.String(length=200), nullable=True),
        sa.Column("claim_id", sa.String(length=38), nullable=True),
        sa.Column("patient_account", sa.String(length=80), nullable=True),
        sa.Column("remittance_id", sa.String(length=80), nullable=True),
        sa.Column("payer_id", sa.String(length=80), nullable=True),
        sa.Column("amount_at_stake", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("deadline_kind", sa.String(length=20), nullable=False),
        sa.Column("appeal_rights", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("escalated_from", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=80), nullable=True),
        sa.Column("lease_until", UtcDateTime(timezone=True), nullable=True),
        sa.Column("snoozed_until", UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=80), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("resolved_amount", ScaledDecimal(precision=12, scale=2), nullable=True),
        sa.Column("priority", ScaledDecimal(precision=14, scale=2), nullable=False),
        sa.Column("recovery_rate", ScaledDecimal(precision=6, scale=4), nullable=False),
        sa.Column("rate_source", sa.String(length=10), nullable=False),
        sa.Column("expected_recovery", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("effort_minutes", sa.Integer(), nullable=False),
        sa.Column("urgency", ScaledDecimal(precision=7, scale=3), nullable=False),
        sa.Column("days_left", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalated_from"],
            ["work_items.id"],
            name=op.f("fk_work_items_escalated_from_work_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_items")),
        sa.UniqueConstraint("open_key", name=op.f("uq_work_items_open_key")),
    )
    op.create_index("ix_work_items_claim", "work_items", ["claim_id", "problem_key"], unique=False)
    op.create_index("ix_work_items_closed", "work_items", ["status", "closed_at"], unique=False)
    op.create_index(
        "ix_work_items_hand_out", "work_items", ["status", "queue", "priority", "id"], unique=False
    )
    op.create_index("ix_work_items_lease", "work_items", ["status", "lease_until"], unique=False)
    op.create_index("ix_work_items_snooze", "work_items", ["status", "snoozed_until"], unique=False)

    op.create_table(
        "queue_grants",
        sa.Column("user_id", sa.String(length=80), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("granted_by", sa.String(length=80), nullable=False),
        sa.Column("granted_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_queue_grants_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "queue", name=op.f("pk_queue_grants")),
    )
    op.create_table(
        "work_item_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["work_items.id"], name=op.f("fk_work_item_history_item_id_work_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_item_history")),
    )
    op.create_index(
        op.f("ix_work_item_history_item_id"), "work_item_history", ["item_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_work_item_history_item_id"), table_name="work_item_history")
    op.drop_table("work_item_history")
    op.drop_table("queue_grants")
    op.drop_index("ix_work_items_snooze", table_name="work_items")
    op.drop_index("ix_work_items_lease", table_name="work_items")
    op.drop_index("ix_work_items_hand_out", table_name="work_items")
    op.drop_index("ix_work_items_closed", table_name="work_items")
    op.drop_index("ix_work_items_claim", table_name="work_items")
    op.drop_table("work_items")
    op.drop_table("users")
