"""The schema: one module per aggregate's tables, all on the one metadata of ``base.Base``.

Importing the package registers every table, so alembic and ``create_all`` always see the whole
schema whichever table module a caller imported first.
"""

from claimdesk.store.tables import (  # noqa: F401  (each import registers its tables on Base)
    appeals,
    audit,
    batches,
    claim_rollups,
    claims,
    collections,
    coverages,
    deposits,
    eligibility,
    encounters,
    estimates,
    follow_ups,
    imports,
    interfaces,
    ledger,
    patient_payments,
    patients,
    periods,
    practice,
    practices,
    reference,
    remittances,
    sessions,
    statements,
    users,
    work_items,
    write_offs,
)
