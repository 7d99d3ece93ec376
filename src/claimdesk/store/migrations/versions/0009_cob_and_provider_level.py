"""Coordination of benefits and provider-level money: a payer's COB method, and ledger postings
that belong to no patient (PLB items on no claim of ours).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payers") as payers:
        payers.add_column(sa.Column("cob_method", sa.String(30), nullable=True))
    with op.batch_alter_table("ledger_postings") as postings:
        postings.alter_column("patient_account", existing_type=sa.String(80), nullable=True)


def downgrade() -> None:
    provider_level = (
        op.get_bind()
        .execute(sa.text("SELECT COUNT(*) FROM ledger_postings WHERE patient_account IS NULL"))
        .scalar_one()
    )
    if provider_level:
        # The ledger is append-only: refuse rather than drop or invent a patient for them.
        raise RuntimeError(
            f"{provider_level} ledger posting(s) are provider-level (no patient); "
            "they cannot be kept below 0009"
        )
    with op.batch_alter_table("ledger_postings") as postings:
        postings.alter_column("patient_account", existing_type=sa.String(80), nullable=False)
    with op.batch_alter_table("payers") as payers:
        payers.drop_column("cob_method")
