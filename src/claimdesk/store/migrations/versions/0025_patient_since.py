"""The day each claim's money first reached the patient (issue 13, item 8), kept with the
claim's rollup, so the patient aging reads the open claims instead of every patient posting.

Creates ``patient_since`` and fills it for every claim with the ``SELECT`` the repositories
refresh it with (``claimdesk.store.patient_since``).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.patient_since import rebuild

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patient_since",
        sa.Column("claim_id", sa.String(38), nullable=False),
        sa.Column("encounter_id", sa.String(80), nullable=False),
        sa.Column("patient_account", sa.String(80), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name="fk_patient_since_claim_id_claims"
        ),
        sa.PrimaryKeyConstraint("claim_id", name="pk_patient_since"),
    )
    op.create_index("ix_patient_since_encounter", "patient_since", ["encounter_id"])
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_patient_since_encounter", table_name="patient_since")
    op.drop_table("patient_since")
