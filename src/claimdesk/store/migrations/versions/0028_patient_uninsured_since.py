"""The day from which a patient has confirmed they have no insurance (issue 13, item "Net
collection"): a lapsed coverage then no longer holds their visits (COV007), which are billed to
them as self-pay.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD and DROP COLUMN (SQLite 3.35+): a batch copy of ``patients`` would break the foreign
# keys of every table that names a patient.
def upgrade() -> None:
    op.add_column("patients", sa.Column("uninsured_since", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("patients", "uninsured_since")
