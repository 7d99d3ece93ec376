"""Sign-in controls: a reset password must be changed, a one-time code is used once, the
second-factor secret is stored encrypted (longer), and attempts carry the client's address so
spraying from one address is throttled (NIST SP 800-63B 5.1.1.2, 5.1.4.1, 5.2.2).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_credentials") as batch:
        batch.add_column(
            sa.Column("must_change", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch.alter_column(
            "totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=400)
        )
    with op.batch_alter_table("web_sign_in_attempts") as batch:
        batch.add_column(
            sa.Column("client", sa.String(length=64), nullable=False, server_default="")
        )
        batch.create_index("ix_web_sign_in_attempts_client_at", ["client", "at"])


def downgrade() -> None:
    with op.batch_alter_table("web_sign_in_attempts") as batch:
        batch.drop_index("ix_web_sign_in_attempts_client_at")
        batch.drop_column("client")
    with op.batch_alter_table("web_credentials") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(length=400), type_=sa.String(length=64)
        )
        batch.drop_column("totp_last_step")
        batch.drop_column("must_change")
