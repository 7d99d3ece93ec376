"""A claim's own prior authorization number (issue 13, "Net collection"; issue 17, the claim
editor): each payer authorizes a service under a number of its own, so a secondary claim needs
the secondary payer's number while its visit, shared with the primary claim, keeps the
primary's (837 loop 2300 REF*G1 is the billed payer's). Empty: the visit's number applies.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD and DROP COLUMN (SQLite 3.35+): a batch copy of ``claims`` would break the foreign
# keys of every table that names a claim.
def upgrade() -> None:
    op.add_column(
        "claims",
        sa.Column("prior_authorization", sa.String(length=50), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_column("claims", "prior_authorization")
