"""Issue 13's net collection over the visits old enough to be paid, after the shared 180-day
cycle on SQLite and PostgreSQL: the figure ``books collection`` prints equals an independent
reading of the ledger in SQL of its own (never through analytics/ or the rollups: the visits
are picked by their encounters' dates): what the visits were worth (charges less contractual
adjustments) less what was written off or is still owed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from cycle_practice import CycledHome
from sqlalchemy import text

from claimdesk.services.database import units_of_work
from claimdesk.services.kpis import SERVED_AGE_DAYS, collection_of_served

# The claims of visits served by the day, each posting effective by the end of the as-of day.
_SERVED = (
    "FROM ledger_postings p JOIN claims c ON c.claim_id = p.claim_id "
    "JOIN encounters e ON e.encounter_id = c.encounter_id "
    "WHERE e.date_of_service <= :served_by AND p.effective <= :as_of"
)


def test_net_collection_of_visits_old_enough_to_be_paid(cycled_practice: CycledHome) -> None:
    home = cycled_practice
    as_of = home.end
    served_by = as_of - timedelta(days=SERVED_AGE_DAYS)
    with units_of_work(home.settings) as factory, factory() as uow:
        found = collection_of_served(uow, as_of)

        # SQLite keeps money as integer cents, PostgreSQL as NUMERIC dollars.
        scale = Decimal(100) if uow.read.dialect.name == "sqlite" else Decimal(1)
        per_account = {
            account: Decimal(str(amount)) / scale
            for account, amount in uow.read.execute(
                text(f"SELECT p.account, sum(p.amount) {_SERVED} GROUP BY p.account"),
                {"served_by": served_by, "as_of": as_of},
            )
        }
        claims = uow.read.execute(
            text(
                "SELECT count(*) FROM claims c JOIN encounters e "
                "ON e.encounter_id = c.encounter_id WHERE e.date_of_service <= :served_by"
            ),
            {"served_by": served_by},
        ).scalar()
    assert found.claims == claims
    assert found.claims > 0
    charges = -per_account.get("revenue:gross-charges", Decimal(0))
    contractual = per_account.get("adjustment:contractual", Decimal(0)) + per_account.get(
        "adjustment:write-off:contractual", Decimal(0)
    )
    written_off = sum(
        (
            amount
            for account, amount in per_account.items()
            if account.startswith("adjustment:")
            and account not in ("adjustment:contractual", "adjustment:write-off:contractual")
        ),
        Decimal(0),
    )
    # Every receivable posting of these claims: charges in, transfers between the two
    # receivables net out, adjustments and payments out; what is left is still owed.
    owed = per_account.get("ar:insurance", Decimal(0)) + per_account.get("ar:patient", Decimal(0))
    assert found.charges.amount == charges
    assert found.net.amount == charges - contractual
    assert found.uncollected.amount == written_off + owed
    assert found.collected.amount == charges - contractual - written_off - owed
    assert found.rate == found.collected.amount / found.net.amount
