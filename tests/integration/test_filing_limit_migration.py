"""Migration 0007: a 0006 database with payers in use keeps them, and gains limits in months."""

from __future__ import annotations

from sqlalchemy import text

from claimdesk.domain.filing import FilingLimit, FilingUnit
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.store.engine import make_engine
from claimdesk.store.migrate import current_revision, upgrade_to_head
from claimdesk.store.uow import unit_of_work_factory

MEDICARE = Payer("MCR01", "Medicare Part B", PayerKind.MEDICARE, None, 120, timely_filing_months=12)


def test_0007_upgrades_a_0006_database_whose_payers_are_referenced(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine, "0006")
        with engine.begin() as connection:
            # A coverage refers to the payer: its foreign key must hold across the upgrade.
            connection.execute(
                text("INSERT INTO payers VALUES ('SHP01', 'Summit', 'commercial', 90, 180, '')")
            )
            connection.execute(
                text(
                    "INSERT INTO patients (account, last_name, first_name, middle_name, "
                    "birth_date, sex, address_line1, address_line2, city, state, postal_code, "
                    "phone) VALUES ('P1', 'Rivera', 'Ana', '', '1970-05-04', 'F', '12 Oak Ave', "
                    "'', 'Columbus', 'OH', '43215', '')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO coverages (coverage_id, patient_account, payer_id, plan_name, "
                    "member_id, group_number, priority, relationship, effective, network_tier) "
                    "VALUES ('C1', 'P1', 'SHP01', 'Summit PPO', 'SH123456789', '', 1, '18', "
                    "'2024-01-01', 1)"
                )
            )

        upgrade_to_head(engine, "0007")
        assert current_revision(engine) == "0007"
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT * FROM payers")).mappings().all()
        assert [dict(row) for row in rows] == [
            {
                "payer_id": "SHP01",
                "name": "Summit",
                "kind": "commercial",
                "timely_filing_days": 90,
                "appeal_window_days": 180,
                "member_id_pattern": "",
                "timely_filing_months": None,
            }
        ]

        upgrade_to_head(engine)
        uow_factory = unit_of_work_factory(engine)
        with uow_factory() as uow:
            summit = uow.payers.get("SHP01")
            assert summit is not None
            assert summit.timely_filing == FilingLimit(90, FilingUnit.DAYS)
            assert summit.timely_filing_months is None
            uow.payers.add(MEDICARE)
            uow.commit()
        with uow_factory() as uow:
            assert uow.payers.get("MCR01") == MEDICARE
            coverage = uow.coverages.get("C1")
            assert coverage is not None
            assert coverage.payer_id == "SHP01"
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        engine.dispose()
