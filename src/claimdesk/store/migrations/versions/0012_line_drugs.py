"""The drug given on a service line: NDC, quantity and unit, and one reference (837 loop 2410).

Every column is optional (a line that is not a drug leaves them empty), so the table gains them
in place on both SQLite and PostgreSQL.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = (("ndc", 11), ("ndc_unit", 2), ("ndc_prescription", 50), ("ndc_link_sequence", 50))


def upgrade() -> None:
    with op.batch_alter_table("service_lines") as batch:
        for name, length in _TEXT:
            batch.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch.add_column(
            sa.Column("ndc_quantity", ScaledDecimal(precision=9, scale=3), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("service_lines") as batch:
        batch.drop_column("ndc_quantity")
        for name, _length in reversed(_TEXT):
            batch.drop_column(name)
