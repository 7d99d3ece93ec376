"""Migration 0026: a 0025 database's postings each gain their entry's effective day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import current_revision, upgrade_to_head


def test_0026_dates_every_posting_by_its_entry(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine, "0025")
        with engine.begin() as connection:
            for entry_id, day in (("E1", "2024-02-10"), ("E2", "2024-03-05")):
                connection.execute(
                    text(
                        "INSERT INTO ledger_entries (entry_id, kind, effective, recorded_at, "
                        "recorded_by, source, memo) VALUES (:entry, 'provider_adjustment', "
                        ":day, '2024-03-06 10:00:00+00', 'poster', '', '')"
                    ),
                    {"entry": entry_id, "day": day},
                )
                # Provider-level money: no patient, claim or payer to refer to.
                connection.execute(
                    text(
                        "INSERT INTO ledger_postings (entry_id, position, account, amount) "
                        "VALUES (:entry, 1, 'cash', 25.00), (:entry, 2, 'provider_level', -25.00)"
                    ),
                    {"entry": entry_id},
                )
        upgrade_to_head(engine, "0026")
        assert current_revision(engine) == "0026"
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT entry_id, position, effective FROM ledger_postings ORDER BY id")
            ).all()
        days = [(e, p, d if isinstance(d, date) else date.fromisoformat(d)) for e, p, d in found]
        assert days == [
            ("E1", 1, date(2024, 2, 10)),
            ("E1", 2, date(2024, 2, 10)),
            ("E2", 1, date(2024, 3, 5)),
            ("E2", 2, date(2024, 3, 5)),
        ]
    finally:
        engine.dispose()
