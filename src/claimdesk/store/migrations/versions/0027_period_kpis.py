"""The net A/R and 90 days' net revenue each month closed with (issue 13, item 8), so the
monthly trend reads the closed months' ends instead of summing the ledger back to each.

Months closed before this revision have no row: the trend sums theirs from the ledger, as it
did, until they are reopened and closed again.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import money_type

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "period_kpis",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("net_ar", money_type(), nullable=False),
        sa.Column("net_revenue", money_type(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["period_events.id"], name=op.f("fk_period_kpis_event_id_period_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_kpis")),
        sa.UniqueConstraint("event_id", name=op.f("uq_period_kpis_event_id")),
    )


def downgrade() -> None:
    op.drop_table("period_kpis")
