"""Per-claim KPI rollups (issue 13, item 8): first-adjudication facts and account totals.

Creates ``claim_rollups`` and fills it for every existing claim from the status history, the
claim payments and the ledger, with the same ``SELECT`` the repositories refresh it with
(``claimdesk.store.rollups``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.rollups import rebuild
from claimdesk.store.types import UtcDateTime, money_type

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = ("adjudicated_charge", "adjudicated_paid", "adjudicated_denied", "adjudicated_shortfall")
_TOTALS = ("patient_assigned", "insurance_ar", "patient_ar", "contractual", "gross_charges")


def upgrade() -> None:
    op.create_table(
        "claim_rollups",
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("patient_account", sa.String(length=80), nullable=False),
        sa.Column("rendering_npi", sa.String(length=10), nullable=False),
        sa.Column("facility_id", sa.String(length=80), nullable=False),
        sa.Column("date_of_service", sa.Date(), nullable=False),
        sa.Column("frequency", sa.String(length=1), nullable=False),
        sa.Column("charge", money_type(), nullable=False),
        sa.Column("entered_at", UtcDateTime(), nullable=True),
        sa.Column("submitted_at", UtcDateTime(), nullable=True),
        sa.Column("touched", sa.Boolean(), nullable=False),
        sa.Column("rejected", sa.Boolean(), nullable=False),
        sa.Column("adjudication_id", sa.Integer(), nullable=True),
        sa.Column("adjudicated_on", sa.Date(), nullable=True),
        sa.Column("adjudicated_clp_status", sa.String(length=2), nullable=True),
        *(sa.Column(name, money_type(), nullable=True) for name in _MONEY),
        sa.Column("first_paid_on", sa.Date(), nullable=True),
        sa.Column("first_paid", money_type(), nullable=True),
        *(sa.Column(name, money_type(), nullable=False) for name in _TOTALS),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name="fk_claim_rollups_claim_id_claims"
        ),
        sa.PrimaryKeyConstraint("claim_id", name="pk_claim_rollups"),
    )
    op.create_index("ix_claim_rollups_entered", "claim_rollups", ["entered_at"])
    op.create_index("ix_claim_rollups_adjudicated", "claim_rollups", ["adjudicated_on"])
    op.create_index("ix_claim_rollups_first_paid", "claim_rollups", ["first_paid_on"])
    rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_claim_rollups_first_paid", table_name="claim_rollups")
    op.drop_index("ix_claim_rollups_adjudicated", table_name="claim_rollups")
    op.drop_index("ix_claim_rollups_entered", table_name="claim_rollups")
    op.drop_table("claim_rollups")
