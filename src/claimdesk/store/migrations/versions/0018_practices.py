"""Client practices: the company store's registry of practices, the grants of people to them,
and the practice each web session works in.

Every person of an existing home is granted its default practice, so nobody loses the access
they had (admins and programs work every practice by their role).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import UtcDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practices",
        sa.Column("practice_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("practice_id", name=op.f("pk_practices")),
    )
    op.create_table(
        "practice_grants",
        sa.Column("user_id", sa.String(length=80), nullable=False),
        sa.Column("practice_id", sa.String(length=40), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("granted_by", sa.String(length=80), nullable=False),
        sa.Column("granted_at", UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name=op.f("fk_practice_grants_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "practice_id", "queue", name=op.f("pk_practice_grants")),
    )
    with op.batch_alter_table("web_sessions") as batch:
        batch.add_column(
            sa.Column("practice_id", sa.String(length=40), nullable=False, server_default="")
        )
    op.execute(
        "INSERT INTO practice_grants (user_id, practice_id, queue, granted_by, granted_at) "
        "SELECT user_id, 'default', '', created_by, created_at FROM users "
        "WHERE role NOT IN ('admin', 'system')"
    )


def downgrade() -> None:
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_column("practice_id")
    op.drop_table("practice_grants")
    op.drop_table("practices")
