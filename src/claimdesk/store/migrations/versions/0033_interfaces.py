"""The interfaces (issue 18): the HL7 v2 messages (and FHIR bundles) taken from the EHR, each by
its sender and control id with the acknowledgment it got, and the files moved to and from a
clearinghouse's SFTP server, each by name, size and SHA-256.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import UtcDateTime

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "interface_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interface", sa.String(length=10), nullable=False),
        sa.Column("sender", sa.String(length=180), nullable=False),
        sa.Column("control_id", sa.String(length=199), nullable=False),
        sa.Column("message_type", sa.String(length=20), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("ack_code", sa.String(length=2), nullable=False),
        sa.Column("error_location", sa.String(length=40), nullable=True),
        sa.Column("error_reason", sa.Text(), nullable=True),
        sa.Column("patient_account", sa.String(length=40), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("import_id", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_interface_messages"),
        sa.UniqueConstraint(
            "interface",
            "sender",
            "control_id",
            name="uq_interface_messages_interface_sender_control_id",
        ),
    )
    op.create_index("ix_interface_messages_status", "interface_messages", ["status", "id"])
    op.create_index(
        "ix_interface_messages_patient_account", "interface_messages", ["patient_account"]
    )
    op.create_table(
        "transport_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("partner", sa.String(length=80), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_transport_files"),
        sa.UniqueConstraint(
            "partner",
            "direction",
            "name",
            "size",
            "sha256",
            name="uq_transport_files_partner_direction_name_size_sha256",
        ),
    )


def downgrade() -> None:
    op.drop_table("transport_files")
    op.drop_index("ix_interface_messages_patient_account", table_name="interface_messages")
    op.drop_index("ix_interface_messages_status", table_name="interface_messages")
    op.drop_table("interface_messages")
