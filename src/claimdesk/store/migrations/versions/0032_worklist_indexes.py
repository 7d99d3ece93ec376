"""Indexes for the desk's pages at a million claims (issue 17): the queue page sorted by amount
at stake or by deadline reads each queue from an index; search finds claims by the first
characters of a claim id, a payer claim number or a patient account from an index.

PostgreSQL answers ``LIKE 'x%'`` from a btree index only with the pattern operator class
(``text_pattern_ops``) when the database does not collate as C; such an index also answers
equality, so it replaces the plain index on the payer claim number and the patient account.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREFIX = "text_pattern_ops"


def upgrade() -> None:
    op.create_index(
        "ix_work_items_by_amount", "work_items", ["status", "queue", "amount_at_stake", "id"]
    )
    op.create_index(
        "ix_work_items_by_deadline", "work_items", ["status", "queue", "deadline", "id"]
    )
    op.create_index(
        "ix_claims_claim_id_prefix", "claims", ["claim_id"], postgresql_ops={"claim_id": PREFIX}
    )
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_claims_payer_claim_number", table_name="claims")
        op.create_index(
            "ix_claims_payer_claim_number",
            "claims",
            ["payer_claim_number"],
            postgresql_ops={"payer_claim_number": PREFIX},
        )
        op.drop_index("ix_encounters_patient_account", table_name="encounters")
        op.create_index(
            "ix_encounters_patient_account",
            "encounters",
            ["patient_account"],
            postgresql_ops={"patient_account": PREFIX},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_encounters_patient_account", table_name="encounters")
        op.create_index("ix_encounters_patient_account", "encounters", ["patient_account"])
        op.drop_index("ix_claims_payer_claim_number", table_name="claims")
        op.create_index("ix_claims_payer_claim_number", "claims", ["payer_claim_number"])
    op.drop_index("ix_claims_claim_id_prefix", table_name="claims")
    op.drop_index("ix_work_items_by_deadline", table_name="work_items")
    op.drop_index("ix_work_items_by_amount", table_name="work_items")
