"""The ledger's balances by day (issue 13, item 8): ``ledger_days``, one row per effective day
and account, filled from the whole journal and kept as postings are inserted
(``claimdesk.store.ledger_days``), so a trial balance as of any day reads a few rows per day.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import money_type

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_days",
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("amount", money_type(), nullable=False),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("effective", "account", name="pk_ledger_days"),
    )
    # The backfill as this revision's table holds it (revision 0030 adds the entry's kind and
    # whether the posting names a payer to the key, and sums the rows again).
    op.execute(
        "INSERT INTO ledger_days (effective, account, amount, postings) "
        "SELECT e.effective, p.account, sum(p.amount), count(*) FROM ledger_postings p "
        "JOIN ledger_entries e ON e.entry_id = p.entry_id GROUP BY e.effective, p.account"
    )


def downgrade() -> None:
    op.drop_table("ledger_days")
