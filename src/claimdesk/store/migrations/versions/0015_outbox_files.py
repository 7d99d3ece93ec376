"""Every file claimdesk sends is recorded in the transaction that stages it, so a crash between
the commit and the file's move into the outbox is settled the same way for 837s, 270s and 276s
(a 270 or 276 was written straight into the outbox before its transaction committed).

The files already sent are recorded from the batches (837) and the eligibility checks (270);
their content is not known any more, so their digest is left empty.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import UtcDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_files",
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("transaction", sa.String(length=4), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("staged_at", UtcDateTime(), nullable=False),
        sa.Column("staged_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("file_name"),
    )
    op.execute(
        'INSERT INTO outbox_files (file_name, "transaction", sha256, staged_at, staged_by) '
        "SELECT file_name, '837', '', min(created_at), min(created_by) "
        "FROM submission_batches GROUP BY file_name"
    )
    op.execute(
        'INSERT INTO outbox_files (file_name, "transaction", sha256, staged_at, staged_by) '
        "SELECT request_file, '270', '', min(requested_at), 'eligibility' "
        "FROM eligibility_checks WHERE request_file <> '' GROUP BY request_file"
    )


def downgrade() -> None:
    op.drop_table("outbox_files")
