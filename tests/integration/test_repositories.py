"""Every entity survives a round trip through its repository, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from store_practice import (
    ACME,
    ADULT,
    ADULT_MEDICARE,
    CHILD,
    CHILD_ACME,
    DOCTOR,
    FEE_VISIT,
    FEE_VISIT_25,
    GROUP,
    MEDICARE,
    NOW,
    OFFICE,
    PARENT,
    RATE_VISIT,
    VISIT_ADULT,
    VISIT_CHILD,
)

from claimdesk.domain.claims import Claim, ClaimStatus, FrequencyCode
from claimdesk.routing.access import Role
from claimdesk.store.repositories.users import User
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def _store_reference_data(uow: UnitOfWork) -> None:
    for payer in (ACME, MEDICARE):
        uow.payers.add(payer)
    for provider in (DOCTOR, GROUP):
        uow.providers.add(provider)
    uow.facilities.add(OFFICE)
    uow.guarantors.add(PARENT)
    uow.patients.add(CHILD)
    uow.patients.add(ADULT)
    uow.coverages.add(CHILD_ACME)
    uow.coverages.add(ADULT_MEDICARE)


def test_every_entity_round_trips(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        _store_reference_data(uow)
        uow.fee_schedule.add(FEE_VISIT)
        uow.fee_schedule.add(FEE_VISIT_25)
        uow.contracts.add(RATE_VISIT)
        uow.encounters.add(VISIT_CHILD)
        uow.encounters.add(VISIT_ADULT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.payers.get("ACME") == ACME
        assert uow.payers.list() == [ACME, MEDICARE]
        assert uow.providers.get(GROUP.npi) == GROUP  # with an address
        assert uow.providers.get(DOCTOR.npi) == DOCTOR  # without one
        assert uow.facilities.get("F1") == OFFICE
        assert uow.guarantors.get("G1") == PARENT
        assert uow.patients.get("P1") == CHILD
        assert uow.patients.list() == [CHILD, ADULT]
        assert uow.coverages.get("COV1") == CHILD_ACME  # dependent: has a subscriber
        assert uow.coverages.for_patient("P2") == [ADULT_MEDICARE]
        assert uow.fee_schedule.get("99213", FEE_VISIT.effective) == FEE_VISIT
        assert uow.fee_schedule.get("99213", FEE_VISIT.effective, "25") == FEE_VISIT_25
        assert uow.contracts.get("ACME", "99213", RATE_VISIT.effective) == RATE_VISIT
        assert uow.contracts.for_payer("MCR") == []
        stored = uow.encounters.get("E1")
        assert stored == VISIT_CHILD
        assert stored is not None
        assert [ln.modifiers for ln in stored.lines] == [("25",), ()]
        assert str(stored.lines[1].units) == "1.5"
        assert uow.encounters.for_patient("P2") == [VISIT_ADULT]
        assert uow.payers.get("NOPE") is None
        assert uow.encounters.get("NOPE") is None


def test_natural_keys_are_unique(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.payers.add(ACME)
        uow.commit()
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.payers.add(ACME)
    with uow_factory() as uow:
        uow.fee_schedule.add(FEE_VISIT)
        with pytest.raises(IntegrityError):
            uow.fee_schedule.add(FEE_VISIT)


def _add_then_fail(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.payers.add(ACME)
        raise RuntimeError("boom")


def test_unit_of_work_rolls_back_unless_committed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.payers.add(ACME)
    with uow_factory() as uow:
        uow.payers.add(MEDICARE)
        uow.commit()
    with pytest.raises(RuntimeError, match="boom"):
        _add_then_fail(uow_factory)
    with uow_factory() as uow:
        assert uow.payers.list() == [MEDICARE]


def test_claim_round_trips_with_its_encounter_and_status_history(uow_factory: UowFactory) -> None:
    claim = Claim("CE1", VISIT_CHILD, "COV1", "ACME", NOW, "alice")
    with uow_factory() as uow:
        _store_reference_data(uow)
        uow.encounters.add(VISIT_CHILD)
        uow.claims.add(claim)
        uow.commit()
    eastern = timezone(timedelta(hours=-5))
    with uow_factory() as uow:
        loaded = uow.claims.get("CE1")
        assert loaded == claim
        assert loaded is not None
        loaded.move_to(ClaimStatus.READY, by="bob", at=datetime(2024, 3, 1, 10, tzinfo=eastern))
        loaded.move_to(ClaimStatus.SUBMITTED, by="bob", at=datetime(2024, 3, 1, 16, tzinfo=UTC))
        loaded.payer_claim_number = "PCN-77"
        uow.claims.save(loaded)
        uow.commit()
    with uow_factory() as uow:
        again = uow.claims.get("CE1")
        assert again is not None
        assert again.status is ClaimStatus.SUBMITTED
        assert again.payer_claim_number == "PCN-77"
        assert [(h.from_status, h.to_status, h.by) for h in again.history] == [
            (None, ClaimStatus.DRAFT, "alice"),
            (ClaimStatus.DRAFT, ClaimStatus.READY, "bob"),
            (ClaimStatus.READY, ClaimStatus.SUBMITTED, "bob"),
        ]
        # Stored in UTC, returned aware: 10:00 at UTC-5 is 15:00 UTC.
        assert again.history[1].at == datetime(2024, 3, 1, 15, tzinfo=UTC)
        assert again.history[1].at.tzinfo is not None
        assert uow.claims.for_encounter("E1") == [again]
        assert uow.claims.with_status(ClaimStatus.DRAFT) == []


def test_replacement_claim_and_self_pay_claim_round_trip(uow_factory: UowFactory) -> None:
    replacement = Claim(
        "CE1R",
        VISIT_CHILD,
        "COV1",
        "ACME",
        NOW,
        "alice",
        frequency=FrequencyCode.REPLACEMENT,
        replaces_payer_claim_number="PCN-77",
    )
    self_pay = Claim("CE3", VISIT_ADULT, "", "MCR", NOW, "alice")
    with uow_factory() as uow:
        _store_reference_data(uow)
        uow.encounters.add_many([VISIT_CHILD, VISIT_ADULT])
        uow.claims.add_many([replacement, self_pay])
        uow.commit()
    with uow_factory() as uow:
        assert uow.claims.get("CE1R") == replacement
        assert uow.claims.get("CE3") == self_pay
        assert uow.claims.get("missing") is None


def test_naive_timestamps_are_refused(uow_factory: UowFactory) -> None:
    naive = datetime(2024, 3, 1, 9, 30)
    with uow_factory() as uow, pytest.raises(StatementError, match="no time zone"):
        uow.imports.start(
            "I1",
            started_at=naive,
            imported_by="alice",
            bundle_path="/bundle",
            files_sha256="0" * 64,
        )


def test_a_user_added_once_by_two_runs_is_one_user(uow_factory: Callable[[], UnitOfWork]) -> None:
    first = User("worker", "claimdesk worker", Role.SYSTEM, True, NOW, "worker")
    with uow_factory() as uow:
        assert uow.users.add_once(first) == first
        uow.commit()
    later = User("worker", "another name", Role.SYSTEM, True, NOW, "someone")
    with uow_factory() as uow:
        # The second run's insert meets the first one's row: it keeps it and its transaction.
        assert uow.users.add_once(later) == first
        assert uow.users.count() == 1
        uow.commit()
