"""Accounting periods: month-end close and reopen events, and the A/R roll-forward each close
recorded per payer class (issue 15).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import UtcDateTime, money_type

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "period_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_events")),
    )
    op.create_index("ix_period_events_period", "period_events", ["period", "id"])
    op.create_table(
        "period_balances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("payer_class", sa.String(length=20), nullable=False),
        *(
            sa.Column(name, money_type(), nullable=False)
            for name in ("opening", "charges", "payments", "adjustments", "transfers", "closing")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["period_events.id"],
            name=op.f("fk_period_balances_event_id_period_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_balances")),
        sa.UniqueConstraint(
            "event_id", "payer_class", name=op.f("uq_period_balances_event_id_payer_class")
        ),
    )
    op.create_index(
        op.f("ix_period_balances_event_id"), "period_balances", ["event_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_period_balances_event_id"), table_name="period_balances")
    op.drop_table("period_balances")
    op.drop_index("ix_period_events_period", table_name="period_events")
    op.drop_table("period_events")
