"""Tier 1: eligibility checks and benefits, the plan/tier directory, patient cost estimates,
submission batches and their claims, X12 control numbers and acknowledgment files read.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal, UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eligibility_checks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trace_number", sa.String(length=50), nullable=False),
        sa.Column("coverage_id", sa.String(length=80), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("patient_account", sa.String(length=80), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("requested_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("request_file", sa.Text(), nullable=False),
        sa.Column("answered_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("response_file", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("plan", sa.String(length=60), nullable=False),
        sa.Column("reject_reason", sa.String(length=2), nullable=False),
        sa.Column("follow_up", sa.String(length=1), nullable=False),
        sa.Column("problem", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fix_hint", sa.Text(), nullable=False),
        sa.Column("authorization_required", sa.Boolean(), nullable=True),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("raw_response", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_checks")),
        sa.UniqueConstraint("trace_number", name=op.f("uq_eligibility_checks_trace_number")),
    )
    op.create_index(
        "ix_eligibility_checks_coverage",
        "eligibility_checks",
        ["coverage_id", "service_date"],
        unique=False,
    )
    op.create_table(
        "plan_tiers",
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("plan_name", sa.String(length=60), nullable=False),
        sa.Column("network_tier", sa.Integer(), nullable=False),
        sa.Column("copay", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("coinsurance", ScaledDecimal(precision=6, scale=4), nullable=False),
        sa.Column("deductible", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("out_of_pocket_max", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint(
            "payer_id", "plan_name", "network_tier", name=op.f("pk_plan_tiers")
        ),
    )
    op.create_table(
        "submission_batches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("transaction", sa.String(length=4), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sender_id", sa.String(length=15), nullable=False),
        sa.Column("receiver_id", sa.String(length=15), nullable=False),
        sa.Column("interchange_control_number", sa.Integer(), nullable=False),
        sa.Column("group_control_number", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("scrubbed", sa.Integer(), nullable=False),
        sa.Column("clean", sa.Integer(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.Column("submitted", sa.Integer(), nullable=False),
        sa.Column("total_charge", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_batches")),
    )
    op.create_table(
        "tier1_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("read_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier1_files")),
        sa.UniqueConstraint("sha256", "kind", name=op.f("uq_tier1_files_sha256_kind")),
    )
    op.create_table(
        "x12_control_numbers",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_x12_control_numbers")),
    )
    op.create_table(
        "batch_claims",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("transaction_control_number", sa.String(length=9), nullable=False),
        sa.Column("charge", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("outcome_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["submission_batches.id"],
            name=op.f("fk_batch_claims_batch_id_submission_batches"),
        ),
        sa.PrimaryKeyConstraint("batch_id", "claim_id", name=op.f("pk_batch_claims")),
    )
    op.create_index("ix_batch_claims_claim", "batch_claims", ["claim_id"], unique=False)
    op.create_table(
        "eligibility_benefits",
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("service_type", sa.String(length=2), nullable=False),
        sa.Column("network", sa.String(length=3), nullable=False),
        sa.Column("copay", ScaledDecimal(precision=12, scale=2), nullable=True),
        sa.Column("coinsurance", ScaledDecimal(precision=6, scale=4), nullable=True),
        sa.Column("deductible", ScaledDecimal(precision=12, scale=2), nullable=True),
        sa.Column("deductible_remaining", ScaledDecimal(precision=12, scale=2), nullable=True),
        sa.Column("out_of_pocket", ScaledDecimal(precision=12, scale=2), nullable=True),
        sa.Column("out_of_pocket_remaining", ScaledDecimal(precision=12, scale=2), nullable=True),
        sa.Column("authorization_required", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["eligibility_checks.id"],
            name=op.f("fk_eligibility_benefits_check_id_eligibility_checks"),
        ),
        sa.PrimaryKeyConstraint(
            "check_id", "service_type", "network", name=op.f("pk_eligibility_benefits")
        ),
    )
    op.create_table(
        "estimates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("encounter_id", sa.String(length=80), nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("coverage_id", sa.String(length=80), nullable=False),
        sa.Column("network_tier", sa.Integer(), nullable=False),
        sa.Column("eligibility_check_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("charge", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("allowed", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("copay", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("deductible", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("coinsurance", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("patient", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("insurer", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["eligibility_check_id"],
            ["eligibility_checks.id"],
            name=op.f("fk_estimates_eligibility_check_id_eligibility_checks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_estimates")),
    )
    op.create_index(
        "ix_estimates_encounter", "estimates", ["encounter_id", "created_at"], unique=False
    )
    op.create_table(
        "estimate_lines",
        sa.Column("estimate_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("procedure_code", sa.String(length=10), nullable=False),
        sa.Column("charge", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("allowed", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("allowed_basis", sa.String(length=10), nullable=False),
        sa.Column("copay", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("deductible", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("coinsurance", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("patient", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("insurer", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["estimate_id"], ["estimates.id"], name=op.f("fk_estimate_lines_estimate_id_estimates")
        ),
        sa.PrimaryKeyConstraint("estimate_id", "line_number", name=op.f("pk_estimate_lines")),
    )


def downgrade() -> None:
    op.drop_table("estimate_lines")
    op.drop_index("ix_estimates_encounter", table_name="estimates")
    op.drop_table("estimates")
    op.drop_table("eligibility_benefits")
    op.drop_index("ix_batch_claims_claim", table_name="batch_claims")
    op.drop_table("batch_claims")
    op.drop_table("x12_control_numbers")
    op.drop_table("tier1_files")
    op.drop_table("submission_batches")
    op.drop_table("plan_tiers")
    op.drop_index("ix_eligibility_checks_coverage", table_name="eligibility_checks")
    op.drop_table("eligibility_checks")
