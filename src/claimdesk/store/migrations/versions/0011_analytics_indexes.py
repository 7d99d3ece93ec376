"""Indexes for A/R as of a day: entries by effective date, a claim's history by status.

The A/R figure sums the receivable postings of entries effective on or before a day, and asks
whether each claim was submitted by then; both read an index instead of the whole table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_ledger_entries_effective", "ledger_entries", ["effective", "entry_id"], unique=False
    )
    op.create_index(
        "ix_claim_status_history_claim_status",
        "claim_status_history",
        ["claim_id", "to_status", "at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_claim_status_history_claim_status", table_name="claim_status_history")
    op.drop_index("ix_ledger_entries_effective", table_name="ledger_entries")
