"""The practice profile: one row per setting (legal name, billing provider, submitter, time zone).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import UtcDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice_settings",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("changed_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_practice_settings")),
    )


def downgrade() -> None:
    op.drop_table("practice_settings")
