"""The claim editor on SQLite and PostgreSQL: every field a scrub rule names can be changed;
input errors refuse the whole edit (nothing saved); a valid edit that leaves a blocking finding
is saved and the claim stays held, saying why; an edit that clears it releases the claim and
closes its hold; a changed charge is charged again in the ledger, which still verifies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from store_practice import CHILD_ACME, NOW
from tier1_practice import UowFactory, run_submit, submit_bundle

from claimdesk.codes.reference import load_config, shipped_reference
from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money
from claimdesk.domain.providers import npi_check_digit
from claimdesk.scrub.claim_edit import ClaimForm, FieldChange
from claimdesk.scrub.reference import ReferenceData
from claimdesk.services.books import verify_books
from claimdesk.services.claim_editor import (
    ClaimEditError,
    ClaimEditView,
    ClaimInputError,
    EditOutcome,
    claim_editor,
    edit_claim,
)
from claimdesk.services.import_bundle import import_bundle
from claimdesk.services.submit import HOLD_KEY
from claimdesk.services.work_queue import productivity

REFERRING = "198765432" + npi_check_digit("198765432")


@pytest.fixture
def held(uow_factory: UowFactory, tmp_path: Path) -> UowFactory:
    """The submit practice with CE1's member id typed wrong (not ACME's A + 8 digits): after
    a submit, CE1 is held for it; CE2 went out."""
    bundle = submit_bundle()
    bundle = replace(
        bundle,
        coverages=tuple(
            replace(c, member_id="12345678") if c.coverage_id == CHILD_ACME.coverage_id else c
            for c in bundle.coverages
        ),
    )
    import_bundle(
        uow_factory, bundle, source="/bundles/edit", files_sha256="2" * 64, user="t", now=NOW
    )
    run_submit(uow_factory, tmp_path / "outbox")
    return uow_factory


def _reference() -> ReferenceData:
    return shipped_reference()


def _view(uow_factory: UowFactory, claim_id: str = "CE1") -> ClaimEditView:
    return claim_editor(
        uow_factory, claim_id, reference=_reference(), config=load_config(None), now=NOW
    )


def _edit(uow_factory: UowFactory, form: ClaimForm, claim_id: str = "CE1") -> EditOutcome:
    return edit_claim(
        uow_factory,
        claim_id,
        form,
        reference=_reference(),
        config=load_config(None),
        now=NOW,
        by="tina",
    )


def _with(
    form: ClaimForm, line: dict[int, dict[str, str]] | None = None, **fields: str
) -> ClaimForm:
    named = {k.replace("__", "."): v for k, v in fields.items()}
    lines = tuple({**ln, **(line or {}).get(int(ln["line_number"]), {})} for ln in form.lines)
    return ClaimForm({**form.fields, **named}, lines)


def test_the_editor_shows_the_claim_with_its_findings_beside_the_fields(held: UowFactory) -> None:
    view = _view(held)
    assert view.status is ClaimStatus.HELD
    assert view.refusal == ""
    assert view.form.value("coverage.member_id") == "12345678"
    assert view.form.value("diagnoses") == "J02.9 Z23"
    assert [ln["procedure_code"] for ln in view.form.lines] == ["99213", "90686"]
    blocking = [f for f in view.findings if f.blocks_submission]
    assert blocking
    assert {f.location.field for f in blocking} == {"coverage.member_id"}


def test_input_errors_refuse_the_whole_edit_and_nothing_is_saved(held: UowFactory) -> None:
    form = _with(
        _view(held).form,
        {1: {"units": "0", "modifiers": "25 ZZ"}, 2: {"diagnosis_pointers": "3"}},
        coverage__member_id="A12345678",
        diagnoses="J02.9 XYZ123",
        referring_npi="1234567890",
        patient__birth_date="2015-02-30",
    )
    with pytest.raises(ClaimInputError) as refused:
        _edit(held, form)
    found = {(e.field, e.line) for e in refused.value.errors}
    assert found == {
        ("diagnoses", None),
        ("referring_npi", None),
        ("patient.birth_date", None),
        ("units", 1),
        ("modifiers", 1),
        ("diagnosis_pointers", 2),
    }
    assert "'XYZ123' is not an ICD-10-CM code" in str(refused.value)
    # Nothing of it was saved, not even the good member id.
    view = _view(held)
    assert view.form.value("coverage.member_id") == "12345678"
    assert view.form.value("diagnoses") == "J02.9 Z23"
    assert view.status is ClaimStatus.HELD


def test_a_valid_edit_that_leaves_the_hold_is_saved_and_says_why(held: UowFactory) -> None:
    form = _with(_view(held).form, patient__phone="(217) 555-0111", referring_npi=REFERRING)
    outcome = _edit(held, form)
    assert not outcome.released
    assert {f.location.field for f in outcome.blocking} == {"coverage.member_id"}
    assert outcome.changes == (
        FieldChange("patient.phone", None, "2175550100", "2175550111"),
        FieldChange("referring_npi", None, "", REFERRING),
    )
    view = _view(held)
    assert view.form.value("patient.phone") == "2175550111"
    assert view.form.value("referring_npi") == REFERRING
    assert view.status is ClaimStatus.HELD
    with held() as uow:
        assert uow.work_items.active_for("CE1", HOLD_KEY) is not None


def test_an_edit_that_clears_the_hold_releases_the_claim_and_charges_the_new_amount(
    held: UowFactory,
) -> None:
    form = _with(
        _view(held).form,
        {1: {"charge": "175.00", "units": "1", "modifiers": "25"}},
        coverage__member_id="A12345678",
    )
    outcome = _edit(held, form)
    assert outcome.released, outcome.blocking
    assert outcome.changes == (
        FieldChange("coverage.member_id", None, "12345678", "A12345678"),
        FieldChange("charge", 1, "150.00", "175.00"),
    )
    assert "coverage.member_id: 12345678 -> A12345678" in outcome.audit_detail()
    with held() as uow:
        claim = uow.claims.get("CE1")
        assert claim is not None
        assert claim.status is ClaimStatus.READY
        assert claim.history[-1].reason == "scrub: clean after edit"
        assert uow.work_items.active_for("CE1", HOLD_KEY) is None
        entries = uow.ledger.entries(claim_id="CE1")
    charged = sum(
        (p.amount for e in entries for p in e.postings if p.account is Account.GROSS_CHARGES),
        Money.zero(),
    )
    # 150.00 + 40.00 charged at import; line 1's 150.00 reversed and 175.00 charged again.
    assert charged == Money("-215.00")
    assert [e.entry_id for e in entries if "CE1:1" in e.entry_id] == [
        "charge:CE1:1",
        "reversal:charge:CE1:1",
        "charge:CE1:1:2",
    ]
    report = verify_books(held, as_of=date(2024, 3, 1), now=NOW)
    assert report.findings == ()
    # The hold is credited to the person whose edit released the claim, not to "system".
    rows = productivity(held, start=NOW - timedelta(days=1), end=NOW + timedelta(days=1))
    assert [(r.person, r.queue, r.closed) for r in rows] == [("tina", "t1-scrub", 1)]


def test_a_claim_the_payer_has_is_not_edited_here(held: UowFactory, tmp_path: Path) -> None:
    assert _edit(held, _with(_view(held).form, coverage__member_id="A12345678")).released
    run_submit(held, tmp_path / "again")
    view = _view(held)
    assert view.status is ClaimStatus.SUBMITTED
    assert "corrected (frequency 7) claim" in view.refusal
    with pytest.raises(ClaimEditError, match="only held or rejected claims"):
        _edit(held, view.form)


def test_a_patient_uninsured_since_before_the_visit_releases_a_lapsed_self_pay_claim(
    held: UowFactory,
) -> None:
    view = _view(held, "CE3")
    assert [f.rule for f in view.findings if f.blocks_submission] == ["COV007"]
    visit = date.fromisoformat(view.form.value("date_of_service"))
    with pytest.raises(ClaimInputError, match=r"patient\.uninsured_since: .* is in the future"):
        _edit(held, _with(view.form, patient__uninsured_since="2099-01-01"), "CE3")
    assert _view(held, "CE3").form.value("patient.uninsured_since") == ""

    after = _with(view.form, patient__uninsured_since=(visit + timedelta(days=1)).isoformat())
    assert not _edit(held, after, "CE3").released  # confirmed only from after the visit

    confirmed = _with(view.form, patient__uninsured_since=visit.isoformat())
    outcome = _edit(held, confirmed, "CE3")
    assert outcome.released
    assert [str(c) for c in outcome.changes] == [
        f"patient.uninsured_since: {(visit + timedelta(days=1)).isoformat()} -> {visit}"
    ]
    assert outcome.view.status is ClaimStatus.READY


def test_a_claim_sharing_its_visit_takes_its_own_authorization_number(held: UowFactory) -> None:
    """A secondary claim held for its payer's authorization shares the visit with the primary's
    claim: the number is the claim's own, so the editor saves it there and leaves the visit,
    and what the primary's claim billed, as it was; a billed field is still refused."""
    with held() as uow:
        primary = uow.claims.get("CE1")
        assert primary is not None
        second = Claim(
            claim_id="CE1-S",
            encounter=primary.encounter,
            coverage_id=primary.coverage_id,
            payer_id=primary.payer_id,
            created_at=NOW,
            created_by="t",
        )
        second.move_to(ClaimStatus.HELD, by="t", at=NOW, reason="scrub")
        uow.claims.add(second)
        uow.commit()
    view = _view(held, "CE1-S")
    assert view.form.value("prior_authorization") == "AUTH1"  # the visit's, the primary's
    with pytest.raises(ClaimEditError, match="billed on claim CE1 too"):
        _edit(held, _with(view.form, diagnoses="J02.9 Z23 R05.9"), "CE1-S")

    outcome = _edit(held, _with(view.form, prior_authorization="SEC-778"), "CE1-S")
    assert [str(c) for c in outcome.changes] == ["prior_authorization: AUTH1 -> SEC-778"]
    assert outcome.view.form.value("prior_authorization") == "SEC-778"
    with held() as uow:
        saved, first = uow.claims.get("CE1-S"), uow.claims.get("CE1")
    assert saved is not None
    assert first is not None
    assert saved.prior_authorization == "SEC-778"
    assert saved.authorization == "SEC-778"
    assert saved.encounter.prior_authorization == "AUTH1"
    assert first.authorization == "AUTH1"


def test_diagnoses_stored_without_dots_are_not_changed_by_an_edit(held: UowFactory) -> None:
    """A bundle may write diagnoses undotted (as the 837 sends them): the form shows them
    dotted, and saving the same codes is no change, neither in the audit row nor on a visit
    billed on another claim too."""
    with held() as uow:
        claim = uow.claims.get("CE1")
        assert claim is not None
        uow.imports.replace_diagnoses([replace(claim.encounter, diagnoses=("J029", "Z23"))])
        uow.commit()
    outcome = _edit(held, _with(_view(held).form, coverage__member_id="A12345678"))
    assert [str(c) for c in outcome.changes] == ["coverage.member_id: 12345678 -> A12345678"]
    assert outcome.released
    with held() as uow:
        saved = uow.claims.get("CE1")
    assert saved is not None
    assert saved.encounter.diagnoses == ("J029", "Z23")
