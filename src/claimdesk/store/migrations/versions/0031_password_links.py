"""One-time links to set a password (issue 17, administration): an admin makes one for a person,
who opens it and chooses their password; the link is kept as its token's digest and ends when
used, superseded or expired.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import UtcDateTime

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "password_links",
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=80), nullable=False),
        sa.Column("made_by", sa.String(length=80), nullable=False),
        sa.Column("made_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name="fk_password_links_user_id_users"
        ),
        sa.PrimaryKeyConstraint("token_digest", name="pk_password_links"),
    )
    op.create_index("ix_password_links_user", "password_links", ["user_id", "ended_at"])


def downgrade() -> None:
    op.drop_index("ix_password_links_user", table_name="password_links")
    op.drop_table("password_links")
