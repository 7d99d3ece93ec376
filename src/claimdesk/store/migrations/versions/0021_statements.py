"""Patient statements and the runs that made them, holds on accounts, payment plans (issue 16).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal, UtcDateTime

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "statement_runs",
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("total", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("batch_file", sa.Text(), nullable=False),
        sa.Column("run_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("run_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("run_date", name=op.f("pk_statement_runs")),
    )
    op.create_table(
        "statements",
        sa.Column("statement_id", sa.String(length=100), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("statement_date", sa.Date(), nullable=False),
        sa.Column("balance", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("dunning_level", sa.String(length=30), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("pdf_file", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_date"],
            ["statement_runs.run_date"],
            name=op.f("fk_statements_run_date_statement_runs"),
        ),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_statements")),
    )
    op.create_index(
        "ix_statements_account", "statements", ["account", "statement_date"], unique=False
    )
    op.create_index(op.f("ix_statements_run_date"), "statements", ["run_date"], unique=False)
    op.create_table(
        "account_holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("held_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("held_by", sa.String(length=80), nullable=False),
        sa.Column("released_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_holds")),
    )
    op.create_index(
        "ix_account_holds_account", "account_holds", ["account", "released_at"], unique=False
    )
    op.create_table(
        "payment_plans",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("total", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("amount", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("first_due", sa.Date(), nullable=False),
        sa.Column("installments", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_payment_plans")),
    )
    op.create_index("ix_payment_plans_account", "payment_plans", ["account"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_payment_plans_account", table_name="payment_plans")
    op.drop_table("payment_plans")
    op.drop_index("ix_account_holds_account", table_name="account_holds")
    op.drop_table("account_holds")
    op.drop_index(op.f("ix_statements_run_date"), table_name="statements")
    op.drop_index("ix_statements_account", table_name="statements")
    op.drop_table("statements")
    op.drop_table("statement_runs")
