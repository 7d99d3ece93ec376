"""Payers state their timely filing limit in days or in calendar months (42 CFR 424.44).

A payer that counts in months has no limit in days, so ``timely_filing_days`` becomes nullable
next to the new ``timely_filing_months``; the domain holds that exactly one of them has a value.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEPT = (
    "payer_id",
    "name",
    "kind",
    "timely_filing_days",
    "appeal_window_days",
    "member_id_pattern",
)
_HOLD = "_payers_before_0007"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_payers_on_sqlite(months=True)
        return
    op.add_column("payers", sa.Column("timely_filing_months", sa.Integer(), nullable=True))
    op.alter_column("payers", "timely_filing_days", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    months = (
        op.get_bind()
        .execute(sa.text("SELECT COUNT(*) FROM payers WHERE timely_filing_months IS NOT NULL"))
        .scalar_one()
    )
    if months:
        # Going back to days only would change those payers' limits; refuse instead.
        raise RuntimeError(
            f"{months} payer(s) state their timely filing limit in months; "
            "restate them in days before downgrading below 0007"
        )
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_payers_on_sqlite(months=False)
        return
    op.alter_column("payers", "timely_filing_days", existing_type=sa.Integer(), nullable=False)
    op.drop_column("payers", "timely_filing_months")


def _rebuild_payers_on_sqlite(*, months: bool) -> None:
    """Make the payers table anew, with or without the months column.

    SQLite cannot change a column's NOT NULL in place, and batch mode's copy-drop-rename breaks
    the foreign keys coverages, contracts and claims hold on payers: dropping the old table
    orphans their rows, and a renamed copy does not count as their parent again. So the rows
    wait in a holding table, the foreign key checks wait for the commit, and inserting the rows
    into the new ``payers`` gives every orphan its parent back.
    """
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TABLE {_HOLD} AS SELECT * FROM payers")
    op.drop_table("payers")
    op.create_table(
        "payers",
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("timely_filing_days", sa.Integer(), nullable=months),
        sa.Column("appeal_window_days", sa.Integer(), nullable=False),
        sa.Column("member_id_pattern", sa.String(length=200), nullable=False),
        *([sa.Column("timely_filing_months", sa.Integer(), nullable=True)] if months else []),
        sa.PrimaryKeyConstraint("payer_id", name=op.f("pk_payers")),
    )
    kept = ", ".join(_KEPT)
    op.execute(f"INSERT INTO payers ({kept}) SELECT {kept} FROM {_HOLD}")
    op.drop_table(_HOLD)
