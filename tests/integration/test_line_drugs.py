"""A drug line keeps its NDC, quantity, unit and reference in the store (both engines), and
migration 0012 adds those columns under lines already stored, and takes them away again."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

from alembic import command
from sqlalchemy import Engine, text
from store_practice import ACME, ADULT, DOCTOR, GROUP, OFFICE, VISIT_ADULT, line

from claimdesk.domain.encounters import DrugDetail, DrugUnit
from claimdesk.store.migrate import alembic_config, current_revision, upgrade_to_head
from claimdesk.store.uow import UnitOfWork, unit_of_work_factory

UowFactory = Callable[[], UnitOfWork]
# Triamcinolone 40 mg/mL: one 1 mL vial billed as J3301 x 4 (10 mg per HCPCS unit).
KENALOG = DrugDetail("00003029320", Decimal("1"), DrugUnit.MILLILITER, prescription_number="R7")
# Half a gram of a compound's ingredient, linked by REF*VY.
COMPOUND = DrugDetail("00409488820", Decimal("0.5"), DrugUnit.GRAM, link_sequence="2")
VISIT = dataclasses.replace(
    VISIT_ADULT,
    lines=(
        line(1, "99213", "150.00"),
        dataclasses.replace(line(2, "J3301", "48.00", units="4"), drug=KENALOG),
        dataclasses.replace(line(3, "J3490", "10.00"), drug=COMPOUND),
    ),
)


def _store(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.payers.add(ACME)
        for provider in (DOCTOR, GROUP):
            uow.providers.add(provider)
        uow.facilities.add(OFFICE)
        uow.patients.add(ADULT)
        uow.encounters.add(VISIT)
        uow.commit()


def test_a_drug_line_round_trips(uow_factory: UowFactory) -> None:
    _store(uow_factory)
    with uow_factory() as uow:
        loaded = uow.encounters.get(VISIT.encounter_id)
    assert loaded == VISIT
    assert loaded is not None
    assert [ln.drug for ln in loaded.lines] == [None, KENALOG, COMPOUND]


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_0012_comes_and_goes_under_stored_lines(engine: Engine) -> None:
    _store(unit_of_work_factory(engine))
    _migrate(engine, "0011", down=True)
    assert current_revision(engine) == "0011"
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT COUNT(*) FROM service_lines")).scalar_one()
    assert kept == 3
    upgrade_to_head(engine)
    with unit_of_work_factory(engine)() as uow:
        loaded = uow.encounters.get(VISIT.encounter_id)
    assert loaded is not None
    # The drugs went with the columns; the lines stayed, now without one.
    assert [ln.drug for ln in loaded.lines] == [None, None, None]
    assert [ln.procedure_code for ln in loaded.lines] == ["99213", "J3301", "J3490"]
