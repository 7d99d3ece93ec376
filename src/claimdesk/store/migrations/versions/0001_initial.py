"""The initial schema: parties, payers, providers, encounters, claims, the ledger, imports.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from claimdesk.store.types import ScaledDecimal, UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("facility_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("address_line1", sa.String(length=55), nullable=False),
        sa.Column("address_line2", sa.String(length=55), nullable=False),
        sa.Column("city", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("postal_code", sa.String(length=15), nullable=False),
        sa.PrimaryKeyConstraint("facility_id", name=op.f("pk_facilities")),
    )
    op.create_table(
        "fee_schedule",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("modifier", sa.String(length=2), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("charge", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_schedule")),
        sa.UniqueConstraint(
            "code", "modifier", "effective", name=op.f("uq_fee_schedule_code_modifier_effective")
        ),
    )
    op.create_table(
        "guarantors",
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=60), nullable=False),
        sa.Column("first_name", sa.String(length=35), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("address_line1", sa.String(length=55), nullable=False),
        sa.Column("address_line2", sa.String(length=55), nullable=False),
        sa.Column("city", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("postal_code", sa.String(length=15), nullable=False),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_guarantors")),
    )
    op.create_table(
        "imports",
        sa.Column("import_id", sa.String(length=40), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.Column("bundle_path", sa.Text(), nullable=False),
        sa.Column("files_sha256", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", name=op.f("pk_imports")),
    )
    op.create_index(op.f("ix_imports_files_sha256"), "imports", ["files_sha256"], unique=False)
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("reverses", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["reverses"],
            ["ledger_entries.entry_id"],
            name=op.f("fk_ledger_entries_reverses_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_ledger_entries_entry_id")),
        sa.UniqueConstraint("reverses", name=op.f("uq_ledger_entries_reverses")),
    )
    op.create_table(
        "payers",
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("timely_filing_days", sa.Integer(), nullable=False),
        sa.Column("appeal_window_days", sa.Integer(), nullable=False),
        sa.Column("member_id_pattern", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("payer_id", name=op.f("pk_payers")),
    )
    op.create_table(
        "providers",
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("first_name", sa.String(length=35), nullable=False),
        sa.Column("taxonomy", sa.String(length=10), nullable=False),
        sa.Column("tax_id", sa.String(length=20), nullable=False),
        sa.Column("address_line1", sa.String(length=55), nullable=True),
        sa.Column("address_line2", sa.String(length=55), nullable=True),
        sa.Column("city", sa.String(length=30), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("postal_code", sa.String(length=15), nullable=True),
        sa.PrimaryKeyConstraint("npi", name=op.f("pk_providers")),
    )
    op.create_table(
        "contract_rates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("modifier", sa.String(length=2), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("termination", sa.Date(), nullable=True),
        sa.Column("allowed", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payers.payer_id"], name=op.f("fk_contract_rates_payer_id_payers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_rates")),
        sa.UniqueConstraint(
            "payer_id",
            "code",
            "modifier",
            "effective",
            name=op.f("uq_contract_rates_payer_id_code_modifier_effective"),
        ),
    )
    op.create_table(
        "import_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("natural_key", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=80), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("import_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.import_id"], name=op.f("fk_import_changes_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_changes")),
    )
    op.create_index(
        "ix_import_changes_entity_key", "import_changes", ["entity", "natural_key"], unique=False
    )
    op.create_index(
        op.f("ix_import_changes_import_id"), "import_changes", ["import_id"], unique=False
    )
    op.create_table(
        "patients",
        sa.Column("account", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=60), nullable=False),
        sa.Column("first_name", sa.String(length=35), nullable=False),
        sa.Column("middle_name", sa.String(length=25), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("address_line1", sa.String(length=55), nullable=False),
        sa.Column("address_line2", sa.String(length=55), nullable=False),
        sa.Column("city", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("postal_code", sa.String(length=15), nullable=False),
        sa.Column("guarantor_account", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["guarantor_account"],
            ["guarantors.account"],
            name=op.f("fk_patients_guarantor_account_guarantors"),
        ),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_patients")),
    )
    op.create_index(
        op.f("ix_patients_guarantor_account"), "patients", ["guarantor_account"], unique=False
    )
    op.create_table(
        "coverages",
        sa.Column("coverage_id", sa.String(length=80), nullable=False),
        sa.Column("patient_account", sa.String(length=80), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("plan_name", sa.String(length=60), nullable=False),
        sa.Column("member_id", sa.String(length=80), nullable=False),
        sa.Column("group_number", sa.String(length=50), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("relationship", sa.String(length=2), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("termination", sa.Date(), nullable=True),
        sa.Column("network_tier", sa.Integer(), nullable=False),
        sa.Column("subscriber_last_name", sa.String(length=60), nullable=True),
        sa.Column("subscriber_first_name", sa.String(length=35), nullable=True),
        sa.Column("subscriber_birth_date", sa.Date(), nullable=True),
        sa.Column("subscriber_sex", sa.String(length=1), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_account"],
            ["patients.account"],
            name=op.f("fk_coverages_patient_account_patients"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payers.payer_id"], name=op.f("fk_coverages_payer_id_payers")
        ),
        sa.PrimaryKeyConstraint("coverage_id", name=op.f("pk_coverages")),
    )
    op.create_index(
        op.f("ix_coverages_patient_account"), "coverages", ["patient_account"], unique=False
    )
    op.create_index(op.f("ix_coverages_payer_id"), "coverages", ["payer_id"], unique=False)
    op.create_table(
        "encounters",
        sa.Column("encounter_id", sa.String(length=80), nullable=False),
        sa.Column("patient_account", sa.String(length=80), nullable=False),
        sa.Column("rendering_npi", sa.String(length=10), nullable=False),
        sa.Column("billing_npi", sa.String(length=10), nullable=False),
        sa.Column("facility_id", sa.String(length=80), nullable=False),
        sa.Column("date_of_service", sa.Date(), nullable=False),
        sa.Column("referring_npi", sa.String(length=10), nullable=False),
        sa.Column("prior_authorization", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["billing_npi"], ["providers.npi"], name=op.f("fk_encounters_billing_npi_providers")
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.facility_id"],
            name=op.f("fk_encounters_facility_id_facilities"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_account"],
            ["patients.account"],
            name=op.f("fk_encounters_patient_account_patients"),
        ),
        sa.ForeignKeyConstraint(
            ["rendering_npi"], ["providers.npi"], name=op.f("fk_encounters_rendering_npi_providers")
        ),
        sa.PrimaryKeyConstraint("encounter_id", name=op.f("pk_encounters")),
    )
    op.create_index(
        op.f("ix_encounters_date_of_service"), "encounters", ["date_of_service"], unique=False
    )
    op.create_index(
        op.f("ix_encounters_patient_account"), "encounters", ["patient_account"], unique=False
    )
    op.create_table(
        "claims",
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("encounter_id", sa.String(length=80), nullable=False),
        sa.Column("coverage_id", sa.String(length=80), nullable=True),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("frequency", sa.String(length=1), nullable=False),
        sa.Column("replaces_payer_claim_number", sa.String(length=50), nullable=False),
        sa.Column("payer_claim_number", sa.String(length=50), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["coverage_id"], ["coverages.coverage_id"], name=op.f("fk_claims_coverage_id_coverages")
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.encounter_id"],
            name=op.f("fk_claims_encounter_id_encounters"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payers.payer_id"], name=op.f("fk_claims_payer_id_payers")
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claims")),
    )
    op.create_index(op.f("ix_claims_encounter_id"), "claims", ["encounter_id"], unique=False)
    op.create_index(
        op.f("ix_claims_payer_claim_number"), "claims", ["payer_claim_number"], unique=False
    )
    op.create_index(op.f("ix_claims_payer_id"), "claims", ["payer_id"], unique=False)
    op.create_index(op.f("ix_claims_status"), "claims", ["status"], unique=False)
    op.create_table(
        "encounter_diagnoses",
        sa.Column("encounter_id", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.CheckConstraint(
            "position BETWEEN 1 AND 12", name=op.f("ck_encounter_diagnoses_position_range")
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.encounter_id"],
            name=op.f("fk_encounter_diagnoses_encounter_id_encounters"),
        ),
        sa.PrimaryKeyConstraint("encounter_id", "position", name=op.f("pk_encounter_diagnoses")),
    )
    op.create_table(
        "service_lines",
        sa.Column("encounter_id", sa.String(length=80), nullable=False),
        sa.Column("line_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("procedure_code", sa.String(length=5), nullable=False),
        sa.Column("charge", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("units", ScaledDecimal(precision=9, scale=3), nullable=False),
        sa.Column("date_of_service", sa.Date(), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("modifier1", sa.String(length=2), nullable=False),
        sa.Column("modifier2", sa.String(length=2), nullable=False),
        sa.Column("modifier3", sa.String(length=2), nullable=False),
        sa.Column("modifier4", sa.String(length=2), nullable=False),
        sa.Column("pointer1", sa.Integer(), nullable=False),
        sa.Column("pointer2", sa.Integer(), nullable=True),
        sa.Column("pointer3", sa.Integer(), nullable=True),
        sa.Column("pointer4", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.encounter_id"],
            name=op.f("fk_service_lines_encounter_id_encounters"),
        ),
        sa.PrimaryKeyConstraint("encounter_id", "line_number", name=op.f("pk_service_lines")),
    )
    op.create_table(
        "claim_status_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name=op.f("fk_claim_status_history_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_status_history")),
        sa.UniqueConstraint("claim_id", "seq", name=op.f("uq_claim_status_history_claim_id_seq")),
    )
    op.create_table(
        "ledger_postings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=40), nullable=False),
        sa.Column("amount", ScaledDecimal(precision=12, scale=2), nullable=False),
        sa.Column("patient_account", sa.String(length=80), nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=True),
        sa.Column("line_number", sa.Integer(), nullable=True),
        sa.Column("payer_id", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.claim_id"], name=op.f("fk_ledger_postings_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.entry_id"],
            name=op.f("fk_ledger_postings_entry_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_account"],
            ["patients.account"],
            name=op.f("fk_ledger_postings_patient_account_patients"),
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["payers.payer_id"], name=op.f("fk_ledger_postings_payer_id_payers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_postings")),
        sa.UniqueConstraint(
            "entry_id", "position", name=op.f("uq_ledger_postings_entry_id_position")
        ),
    )
    op.create_index("ix_ledger_postings_account", "ledger_postings", ["account"], unique=False)
    op.create_index(
        "ix_ledger_postings_claim_line",
        "ledger_postings",
        ["claim_id", "line_number", "account"],
        unique=False,
    )
    op.create_index(
        "ix_ledger_postings_patient",
        "ledger_postings",
        ["patient_account", "account"],
        unique=False,
    )
    op.create_index(
        "ix_ledger_postings_payer", "ledger_postings", ["payer_id", "account"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_postings_payer", table_name="ledger_postings")
    op.drop_index("ix_ledger_postings_patient", table_name="ledger_postings")
    op.drop_index("ix_ledger_postings_claim_line", table_name="ledger_postings")
    op.drop_index("ix_ledger_postings_account", table_name="ledger_postings")
    op.drop_table("ledger_postings")
    op.drop_table("claim_status_history")
    op.drop_table("service_lines")
    op.drop_table("encounter_diagnoses")
    op.drop_index(op.f("ix_claims_status"), table_name="claims")
    op.drop_index(op.f("ix_claims_payer_id"), table_name="claims")
    op.drop_index(op.f("ix_claims_payer_claim_number"), table_name="claims")
    op.drop_index(op.f("ix_claims_encounter_id"), table_name="claims")
    op.drop_table("claims")
    op.drop_index(op.f("ix_encounters_patient_account"), table_name="encounters")
    op.drop_index(op.f("ix_encounters_date_of_service"), table_name="encounters")
    op.drop_table("encounters")
    op.drop_index(op.f("ix_coverages_payer_id"), table_name="coverages")
    op.drop_index(op.f("ix_coverages_patient_account"), table_name="coverages")
    op.drop_table("coverages")
    op.drop_index(op.f("ix_patients_guarantor_account"), table_name="patients")
    op.drop_table("patients")
    op.drop_index(op.f("ix_import_changes_import_id"), table_name="import_changes")
    op.drop_index("ix_import_changes_entity_key", table_name="import_changes")
    op.drop_table("import_changes")
    op.drop_table("contract_rates")
    op.drop_table("providers")
    op.drop_table("payers")
    op.drop_table("ledger_entries")
    op.drop_index(op.f("ix_imports_files_sha256"), table_name="imports")
    op.drop_table("imports")
    op.drop_table("guarantors")
    op.drop_table("fee_schedule")
    op.drop_table("facilities")
