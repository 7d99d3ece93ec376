"""Sums kept with the rollups (issue 13, item 8: reports in under a second at a million
claims; ``claimdesk.store.open_sums``): the open receivables by key, so the A/R, its aging,
the patient aging and the net A/R's allowance as they stand read these sums instead of every
open claim; and the first pass (claims entered, first adjudicated, first paid) by day and
payer. Creates the tables and fills them from the rollups; indexes the postings on no claim
(the provider-level and desk money every A/R adds) and the rollups by first submission
(whether anything was sent after a day). Keys the ledger's day balances (``ledger_days``) by
the entry's kind and whether the posting names a payer too, so the period's cash, net
revenue, patient payments and patient responsibility are sums of days.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store import ledger_days, open_sums
from claimdesk.store.types import money_type

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = {
    "open_ar_sums": (
        ("payer_id", sa.String(80)),
        ("date_of_service", sa.Date()),
        ("billed", sa.Boolean()),
    ),
    "patient_owing": (("patient_account", sa.String(80)),),
    "patient_age_sums": (("since", sa.Date()),),
    "pending_insurance": (("payer_id", sa.String(80)), ("balance", money_type())),
    "allowance_sums": (("payer_id", sa.String(80)), ("adjusted_on", sa.Date())),
    "payer_charge_sums": (("payer_id", sa.String(80)),),
    "entered_sums": (("day", sa.Date()), ("payer_id", sa.String(80))),
    "adjudicated_sums": (("day", sa.Date()), ("payer_id", sa.String(80))),
    "first_paid_sums": (("day", sa.Date()), ("payer_id", sa.String(80))),
}
_SUMMED = {
    "open_ar_sums": (
        ("insurance", money_type()),
        ("patient", money_type()),
        ("insurance_claims", sa.Integer()),
        ("patient_claims", sa.Integer()),
        ("claims", sa.Integer()),
    ),
    "patient_owing": (
        ("amount", money_type()),
        ("claims", sa.Integer()),
        ("visits", sa.Integer()),
    ),
    "patient_age_sums": (("amount", money_type()), ("visits", sa.Integer())),
    "pending_insurance": (("claims", sa.Integer()),),
    "allowance_sums": (
        ("adjusted", money_type()),
        ("charged", money_type()),
        ("claims", sa.Integer()),
    ),
    "payer_charge_sums": (("charges", money_type()), ("claims", sa.Integer())),
    "entered_sums": (
        ("claims", sa.Integer()),
        ("charge", money_type()),
        ("clean", sa.Integer()),
        ("clean_charge", money_type()),
    ),
    "adjudicated_sums": (
        ("claims", sa.Integer()),
        ("charge", money_type()),
        ("resolved", sa.Integer()),
        ("resolved_paid", money_type()),
        ("denied", sa.Integer()),
        ("denied_amount", money_type()),
        ("denied_dollars", sa.Integer()),
        ("denied_dollars_amount", money_type()),
    ),
    "first_paid_sums": (
        ("claims", sa.Integer()),
        ("days", sa.Integer()),
        ("paid", money_type()),
    ),
}


def upgrade() -> None:
    op.create_table(
        "claim_adjusted",
        sa.Column("claim_id", sa.String(38), nullable=False),
        sa.Column("adjusted_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name="fk_claim_adjusted_claim_id_claims"
        ),
        sa.PrimaryKeyConstraint("claim_id", name="pk_claim_adjusted"),
    )
    for name, keys in _TABLES.items():
        op.create_table(
            name,
            *(sa.Column(column, kind, nullable=False) for column, kind in keys),
            *(sa.Column(column, kind, nullable=False) for column, kind in _SUMMED[name]),
            sa.PrimaryKeyConstraint(*(column for column, _kind in keys), name=f"pk_{name}"),
        )
    op.create_index("ix_patient_owing_amount", "patient_owing", ["amount", "patient_account"])
    op.create_index(
        "ix_ledger_postings_unclaimed",
        "ledger_postings",
        ["account", "effective"],
        postgresql_where=sa.text("claim_id IS NULL"),
        sqlite_where=sa.text("claim_id IS NULL"),
    )
    op.create_index("ix_claim_rollups_submitted", "claim_rollups", ["submitted_at"])
    op.create_index(
        "ix_claim_rollups_second_pass",
        "claim_rollups",
        ["claim_id"],
        postgresql_where=sa.text("frequency <> '1'"),
        sqlite_where=sa.text("frequency <> '1'"),
    )
    op.create_index("ix_patient_since_patient", "patient_since", ["patient_account"])
    op.drop_table("ledger_days")
    op.create_table(
        "ledger_days",
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("from_payer", sa.Boolean(), nullable=False),
        sa.Column("amount", money_type(), nullable=False),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "effective", "account", "kind", "from_payer", name="pk_ledger_days"
        ),
    )
    ledger_days.rebuild(op.get_bind())
    open_sums.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("ledger_days")
    op.create_table(
        "ledger_days",
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("amount", money_type(), nullable=False),
        sa.Column("postings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("effective", "account", name="pk_ledger_days"),
    )
    op.execute(
        "INSERT INTO ledger_days (effective, account, amount, postings) "
        "SELECT e.effective, p.account, sum(p.amount), count(*) FROM ledger_postings p "
        "JOIN ledger_entries e ON e.entry_id = p.entry_id GROUP BY e.effective, p.account"
    )
    op.drop_index("ix_patient_since_patient", table_name="patient_since")
    op.drop_index("ix_claim_rollups_second_pass", table_name="claim_rollups")
    op.drop_index("ix_claim_rollups_submitted", table_name="claim_rollups")
    op.drop_index("ix_ledger_postings_unclaimed", table_name="ledger_postings")
    op.drop_index("ix_patient_owing_amount", table_name="patient_owing")
    for name in (*reversed(_TABLES), "claim_adjusted"):
        op.drop_table(name)
