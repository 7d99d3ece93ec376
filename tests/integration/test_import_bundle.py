"""Importing a practice bundle: inserts, idempotent re-import, audited updates, all or nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from store_practice import ADULT, LATER, NOW, VISIT_CHILD, line, small_bundle

from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import Account, BalanceQuery, EntryKind
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address
from claimdesk.domain.payers import PayerKind
from claimdesk.services.import_bundle import BundleImportError, ImportReport, import_bundle
from claimdesk.store import rows
from claimdesk.store.tables.base import Base, table_of
from claimdesk.store.tables.imports import ImportChangeRow, ImportRow
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
SHA = "ab" * 32


def _import(uow_factory: UowFactory, bundle: Any, when: Any = NOW) -> ImportReport:
    return import_bundle(
        uow_factory, bundle, source="/bundles/practice", files_sha256=SHA, user="alice", now=when
    )


def _snapshot(uow_factory: UowFactory) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every practice table except the import log itself."""
    skip = {table_of(ImportRow).name, table_of(ImportChangeRow).name}
    with uow_factory() as uow:
        return {
            name: sorted(tuple(row) for row in uow.read.execute(select(table)))
            for name, table in Base.metadata.tables.items()
            if name not in skip
        }


def test_first_import_stores_everything_claims_and_charges(uow_factory: UowFactory) -> None:
    report = _import(uow_factory, small_bundle())
    assert report.counts["payers"].inserted == 3  # ACME, MCR and the self-pay payer
    assert report.counts["patients"].inserted == 2
    assert report.counts["fee_schedule"].inserted == 3
    assert report.counts["contracts"].inserted == 1
    assert report.counts["encounters"].inserted == 3
    assert report.updated == 0
    assert report.claims_created == 3
    assert report.ledger_entries_posted == 4  # the 0.00 line posts nothing
    with uow_factory() as uow:
        child_claim = uow.claims.get("CE1")
        assert child_claim is not None
        assert (child_claim.payer_id, child_claim.coverage_id) == ("ACME", "COV1")
        assert child_claim.status is ClaimStatus.DRAFT
        assert child_claim.encounter == VISIT_CHILD
        # P2's Medicare coverage had ended: self-pay, on the patient's receivable.
        adult_claim = uow.claims.get("CE3")
        assert adult_claim is not None
        assert (adult_claim.payer_id, adult_claim.coverage_id) == ("SELFPAY", "")
        self_pay = uow.payers.get("SELFPAY")
        assert self_pay is not None
        assert self_pay.kind is PayerKind.SELF_PAY
        ledger = uow.ledger
        assert ledger.balances_by_claim() == {
            "CE1": Money("190.00"),
            "CE2": Money("150.00"),
            "CE3": Money("150.00"),
        }
        assert ledger.balance(BalanceQuery(accounts=frozenset({Account.PATIENT_AR}))) == Money(
            "150.00"
        )
        assert ledger.trial_balance()[Account.GROSS_CHARGES] == Money("-490.00")
        charge = ledger.get("charge:CE1:2")
        assert charge is not None
        assert charge.kind is EntryKind.CHARGE
        assert charge.postings[0].dims.payer_id == "ACME"
        assert charge.recorded_by == "alice"
        imports = list(uow.read.execute(select(table_of(ImportRow))).mappings())
        assert len(imports) == 1
        assert imports[0]["files_sha256"] == SHA
        assert imports[0]["counts"]["ledger_entries_posted"] == 4


def test_importing_the_same_bundle_again_changes_nothing(uow_factory: UowFactory) -> None:
    _import(uow_factory, small_bundle())
    before = _snapshot(uow_factory)
    again = _import(uow_factory, small_bundle(), LATER)
    assert again.inserted == 0
    assert again.updated == 0
    assert again.ledger_entries_posted == 0
    assert again.claims_created == 0
    assert again.changes_recorded == 0
    assert again.counts["encounters"].unchanged == 3
    assert again.counts["payers"].unchanged == 2
    assert _snapshot(uow_factory) == before


def test_changed_address_and_charge_are_updated_audited_and_reposted(
    uow_factory: UowFactory,
) -> None:
    _import(uow_factory, small_bundle())
    moved = dataclasses.replace(ADULT, address=Address("1 New Rd", "Peoria", "IL", "61602"))
    repriced = dataclasses.replace(
        VISIT_CHILD,
        lines=(VISIT_CHILD.lines[0], line(2, "90686", "45.00", (2,), units="1.5")),
    )
    base = small_bundle()
    changed = dataclasses.replace(
        base,
        patients=(base.patients[0], moved),
        encounters=(repriced, *base.encounters[1:]),
    )
    report = _import(uow_factory, changed, LATER)
    assert report.counts["patients"].updated == 1
    assert report.counts["patients"].unchanged == 1
    assert report.counts["encounters"].updated == 1
    assert report.counts["encounters"].unchanged == 2
    assert report.inserted == 0
    assert report.ledger_entries_posted == 2  # the reversal and the new charge
    with uow_factory() as uow:
        assert uow.patients.get("P2") == moved
        assert uow.encounters.get("E1") == repriced
        changes = {
            (r["entity"], r["natural_key"], r["field"]): (r["old_value"], r["new_value"])
            for r in uow.read.execute(select(table_of(ImportChangeRow))).mappings()
        }
        assert changes == {
            ("patients", "P2", "address_line1"): ("9 Elm St", "1 New Rd"),
            ("patients", "P2", "city"): ("Decatur", "Peoria"),
            ("patients", "P2", "postal_code"): ("62521", "61602"),
            ("encounters", "E1", "line 2 charge"): ("40.00", "45.00"),
        }
        journal = uow.ledger.journal(claim_id="CE1")
        assert journal.is_reversed("charge:CE1:2")
        reversal = journal.get("reversal:charge:CE1:2")
        assert reversal is not None
        assert reversal.recorded_at == LATER
        new_charge = journal.get("charge:CE1:2:2")
        assert new_charge is not None
        assert new_charge.amount == Money("45.00")
        assert uow.ledger.balances_by_line("CE1") == {1: Money("150.00"), 2: Money("45.00")}
        assert uow.ledger.balances_by_line("CE1") == {
            n: journal.balance(BalanceQuery(claim_id="CE1", line_number=n)) for n in (1, 2)
        }
    # A second change of the same line reverses the newest charge, not the reversed one.
    twice = dataclasses.replace(
        changed,
        encounters=(
            dataclasses.replace(
                repriced, lines=(repriced.lines[0], line(2, "90686", "41.00", (2,), units="1.5"))
            ),
            *changed.encounters[1:],
        ),
    )
    assert _import(uow_factory, twice, LATER).ledger_entries_posted == 2
    with uow_factory() as uow:
        journal = uow.ledger.journal(claim_id="CE1")
        assert journal.is_reversed("charge:CE1:2:2")
        assert uow.ledger.balances_by_line("CE1")[2] == Money("41.00")
    assert _import(uow_factory, twice, LATER).ledger_entries_posted == 0


def test_a_failing_import_leaves_the_database_unchanged(uow_factory: UowFactory) -> None:
    _import(uow_factory, small_bundle())
    before = _snapshot(uow_factory)
    with uow_factory() as uow:
        imports_before = uow.read.execute(select(func.count()).select_from(ImportRow)).scalar()
    base = small_bundle()
    # Payers and patients change first; the encounter's unknown facility fails the import later.
    broken = dataclasses.replace(
        base,
        patients=(base.patients[0], dataclasses.replace(ADULT, phone="2175550199")),
        encounters=(
            *base.encounters,
            dataclasses.replace(VISIT_CHILD, encounter_id="E9", facility_id="NOWHERE"),
        ),
    )
    with pytest.raises(BundleImportError, match="encounter E9: facility NOWHERE"):
        _import(uow_factory, broken, LATER)
    assert _snapshot(uow_factory) == before
    with uow_factory() as uow:
        assert (
            uow.read.execute(select(func.count()).select_from(ImportRow)).scalar() == imports_before
        )


def test_a_bundle_with_a_key_twice_is_refused(uow_factory: UowFactory) -> None:
    base = small_bundle()
    doubled = dataclasses.replace(base, payers=(*base.payers, base.payers[0]))
    with pytest.raises(BundleImportError, match="payers: ACME appears twice"):
        _import(uow_factory, doubled)
    with uow_factory() as uow:
        assert uow.payers.list() == []


def test_importing_again_keeps_the_day_a_patient_confirmed_being_uninsured(
    uow_factory: UowFactory,
) -> None:
    # The desk records it (claim editor); the EHR's bundle does not carry it.
    _import(uow_factory, small_bundle())
    with uow_factory() as uow:
        patient = uow.patients.get(ADULT.account)
        assert patient is not None
        uow.imports.update(
            "patients",
            [
                (
                    rows.patient_row(patient),
                    rows.patient_row(dataclasses.replace(patient, uninsured_since=NOW.date())),
                )
            ],
        )
        uow.commit()
    again = _import(uow_factory, small_bundle(), LATER)
    assert again.counts["patients"].unchanged == 2
    assert again.changes_recorded == 0
    with uow_factory() as uow:
        kept = uow.patients.get(ADULT.account)
    assert kept is not None
    assert kept.uninsured_since == NOW.date()


def test_a_coverage_or_a_visit_does_not_move_to_another_patient(uow_factory: UowFactory) -> None:
    base = small_bundle()
    _import(uow_factory, base)
    before = _snapshot(uow_factory)
    [coverage, *others] = base.coverages
    stranger = next(p.account for p in base.patients if p.account != coverage.patient_account)
    moved_coverage = dataclasses.replace(
        base, coverages=(dataclasses.replace(coverage, patient_account=stranger), *others)
    )
    with pytest.raises(BundleImportError, match=rf"coverages: {coverage.coverage_id} is "):
        _import(uow_factory, moved_coverage, LATER)
    [visit, *rest] = base.encounters
    other = next(p.account for p in base.patients if p.account != visit.patient_account)
    moved_visit = dataclasses.replace(
        base, encounters=(dataclasses.replace(visit, patient_account=other), *rest)
    )
    with pytest.raises(BundleImportError, match=rf"encounters: {visit.encounter_id} is "):
        _import(uow_factory, moved_visit, LATER)
    assert _snapshot(uow_factory) == before
