"""Open receivables found by index (issue 13, item 8): partial indexes on the claim rollups
whose insurance or patient receivable is not zero, so the A/R at a date starts from the open
claims' current balances instead of summing every posting of the practice's history.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = {
    "ix_claim_rollups_insurance_open": ("payer_id", "insurance_ar <> 0"),
    "ix_claim_rollups_patient_open": ("patient_account", "patient_ar <> 0"),
}


def upgrade() -> None:
    for name, (column, predicate) in _OPEN.items():
        op.create_index(
            name,
            "claim_rollups",
            [column],
            postgresql_where=sa.text(predicate),
            sqlite_where=sa.text(predicate),
        )


def downgrade() -> None:
    for name in _OPEN:
        op.drop_index(name, table_name="claim_rollups")
