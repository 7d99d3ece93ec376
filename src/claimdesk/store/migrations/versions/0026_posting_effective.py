"""Each posting carries its entry's effective day (issue 13, item 8), so a sum of one account's
postings over a period reads one index instead of joining every entry of the period by its id.

Adds ``ledger_postings.effective``, copies it from the entry of every posting, and indexes the
postings by account and day (covering claim and amount on PostgreSQL). An entry's day never
changes once posted (the ledger is append-only), so the copy stays true; ``books verify``
(BOOKS008) holds it so.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_postings") as postings:
        postings.add_column(sa.Column("effective", sa.Date(), nullable=True))
    op.execute(
        "UPDATE ledger_postings SET effective = (SELECT e.effective FROM ledger_entries e "
        "WHERE e.entry_id = ledger_postings.entry_id)"
    )
    with op.batch_alter_table("ledger_postings") as postings:
        postings.alter_column("effective", existing_type=sa.Date(), nullable=False)
    op.create_index(
        "ix_ledger_postings_account_day",
        "ledger_postings",
        ["account", "effective"],
        postgresql_include=["claim_id", "amount"],
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_postings_account_day", table_name="ledger_postings")
    with op.batch_alter_table("ledger_postings") as postings:
        postings.drop_column("effective")
