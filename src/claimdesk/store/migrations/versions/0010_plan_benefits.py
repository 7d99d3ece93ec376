"""Benefits by service category: the plan/tier directory's design columns (specialist copay,
copay services, preventive care, stacking, allowed amount without a contract, balance billing)
and, per estimate line, the benefit that applied and the balance billed out of network.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Entries stored before this revision keep the standard design they were read with.
_PLAN_COLUMNS: tuple[sa.Column[Any], ...] = (
    sa.Column("specialist_copay", ScaledDecimal(precision=12, scale=2), nullable=True),
    sa.Column(
        "copay_services",
        sa.String(length=120),
        nullable=False,
        server_default="office_visit specialist_visit",
    ),
    sa.Column("preventive_free", sa.Boolean(), nullable=True),
    sa.Column("copay_with_coinsurance", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column(
        "allowed_without_contract", sa.String(length=10), nullable=False, server_default="billed"
    ),
    sa.Column(
        "maximum_allowable",
        ScaledDecimal(precision=6, scale=4),
        nullable=False,
        server_default="1",
    ),
    sa.Column("balance_billing", sa.Boolean(), nullable=True),
)
_LINE_COLUMNS: tuple[sa.Column[Any], ...] = (
    sa.Column("benefit", sa.String(length=120), nullable=False, server_default=""),
    sa.Column("balance", ScaledDecimal(precision=12, scale=2), nullable=False, server_default="0"),
)


def upgrade() -> None:
    with op.batch_alter_table("plan_tiers") as batch:
        for column in _PLAN_COLUMNS:
            batch.add_column(column)
    with op.batch_alter_table("estimate_lines") as batch:
        for column in _LINE_COLUMNS:
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("estimate_lines") as batch:
        for column in reversed(_LINE_COLUMNS):
            batch.drop_column(column.name)
    with op.batch_alter_table("plan_tiers") as batch:
        for column in reversed(_PLAN_COLUMNS):
            batch.drop_column(column.name)
