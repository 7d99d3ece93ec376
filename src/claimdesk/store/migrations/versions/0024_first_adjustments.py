"""The CAS adjustments of each claim's first adjudication (issue 13, item 8), kept with the
claim's rollup, so the denial KPIs read a period's denial codes by index instead of every 835
payment of the period.

Creates ``first_adjustments`` and fills it for every claim with the rows the repositories
refresh it with (``claimdesk.store.first_adjustments``).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.first_adjustments import rebuild
from claimdesk.store.types import money_type

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "first_adjustments",
        sa.Column("claim_id", sa.String(38), nullable=False),
        sa.Column("group_code", sa.String(2), nullable=False),
        sa.Column("carc", sa.String(5), nullable=False),
        sa.Column("payer_id", sa.String(80), nullable=False),
        sa.Column("adjudicated_on", sa.Date(), nullable=False),
        sa.Column("amount", money_type(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name="fk_first_adjustments_claim_id_claims"
        ),
        sa.PrimaryKeyConstraint("claim_id", "group_code", "carc", name="pk_first_adjustments"),
    )
    op.create_index(
        "ix_first_adjustments_code_day",
        "first_adjustments",
        ["group_code", "carc", "adjudicated_on"],
    )
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_first_adjustments_code_day", table_name="first_adjustments")
    op.drop_table("first_adjustments")
