"""Eligibility checks keep the procedure codes the 271 says need authorization (EB13, EB11 = Y).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("eligibility_checks") as batch:
        batch.add_column(sa.Column("authorization_codes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("eligibility_checks") as batch:
        batch.drop_column("authorization_codes")
