"""Tier 2 actions on SQLite and PostgreSQL: write-offs with Tier 3 approval, appeals with a PDF
letter, corrected claims and voids, the follow-up log and chasing claims with no answer."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from remit_practice import (
    CO,
    NOW,
    PR,
    claim_payment,
    deny,
    ensure_person,
    file_of,
    paid_claim,
    remittance,
    save_correction,
    seed,
    svc,
)
from tier1_practice import PARTNERS

from claimdesk.denials.table import shipped_table
from claimdesk.domain.claims import ClaimStatus, FrequencyCode
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.domain.work import WorkKind
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.claim_editor import ClaimEditError
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.tier2 import (
    Tier2Error,
    chase_unanswered,
    corrected_claim,
    decide_appeal,
    decide_write_off,
    log_follow_up,
    request_write_off,
    start_appeal,
    submit_appeal,
    void_claim,
)
from claimdesk.services.users import add_user
from claimdesk.store.uow import UnitOfWork

M = Money
Factory = Callable[[], UnitOfWork]
INS = frozenset({Account.INSURANCE_AR})


def pdf_text(path: Path) -> str:
    """The lines of text a PDF shows, in order (fpdf2 writes each as one Tj in a zlib stream)."""
    lines: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", path.read_bytes(), re.S):
        content = zlib.decompress(stream).decode("latin-1")
        lines += [
            m.replace("\\(", "(").replace("\\)", ")") for m in re.findall(r"\((.*?)\) Tj", content)
        ]
    return "\n".join(lines)


def owed(uow_factory: Factory, claim_id: str) -> Money:
    with uow_factory() as uow:
        return uow.ledger.balance(BalanceQuery(accounts=INS, claim_id=claim_id))


def status(uow_factory: Factory, claim_id: str) -> ClaimStatus:
    with uow_factory() as uow:
        claim = uow.claims.get(claim_id)
        assert claim is not None
        return claim.status


def test_a_small_write_off_posts_at_once_and_closes_the_claim(uow_factory: Factory) -> None:
    seed(uow_factory)
    short = claim_payment(
        "C1",
        svc("C1", 1, "99213", "150.00", "72.50", (CO, "45", "57.50"), (PR, "2", "20.00")),
        svc("C1", 2, "90686", "40.00", "0.00", (CO, "97", "40.00")),
    )
    post_bytes(
        uow_factory,
        file_of(remittance("T1", short)),
        name="x",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    assert owed(uow_factory, "C1") == M("40.00")
    request_write_off(
        uow_factory,
        "C1",
        amount=M("40.00"),
        reason_code="denial",
        note="",
        by=ensure_person(uow_factory, "bill"),
        now=NOW,
        policy=shipped_policy(),
    )
    assert owed(uow_factory, "C1") == M("0.00")
    assert status(uow_factory, "C1") is ClaimStatus.CLOSED


def test_a_large_write_off_waits_for_a_manager(uow_factory: Factory) -> None:
    seed(uow_factory)
    deny(uow_factory, "C2")
    add_user(uow_factory, user_id="root", name="Root", role=Role.ADMIN, by="root", now=NOW)
    add_user(uow_factory, user_id="meg", name="Meg", role=Role.MANAGER, by="root", now=NOW)
    add_user(uow_factory, user_id="tom", name="Tom", role=Role.TIER2, by="root", now=NOW)
    request = request_write_off(
        uow_factory,
        "C2",
        amount=M("190.00"),
        reason_code="denial",
        note="",
        by="tom",
        now=NOW,
        policy=shipped_policy(),
    )
    assert owed(uow_factory, "C2") == M("190.00")
    with uow_factory() as uow:
        item = uow.work_items.active_for("C2", f"write_off:{request}")
    assert item is not None
    assert item.tier == 3
    assert item.kind is WorkKind.WRITE_OFF_APPROVAL
    with pytest.raises(Tier2Error, match="only a manager"):
        decide_write_off(uow_factory, request, approve=True, by="tom", now=NOW)
    decide_write_off(uow_factory, request, approve=True, by="meg", now=NOW)
    assert owed(uow_factory, "C2") == M("0.00")
    with pytest.raises(Tier2Error, match="no pending request"):
        decide_write_off(uow_factory, request, approve=True, by="meg", now=NOW)


def test_an_appeal_writes_a_pdf_and_tracks_the_outcome(
    uow_factory: Factory, tmp_path: Path
) -> None:
    seed(uow_factory)
    deny(uow_factory, "C2")
    appeal = start_appeal(
        uow_factory,
        "C2",
        argument="The visit note documents acute pharyngitis; the test was necessary.",
        letters=tmp_path,
        by="tom",
        now=NOW,
    )
    letter = tmp_path / "appeal-C2-1.pdf"
    assert letter.read_bytes().startswith(b"%PDF")
    text = pdf_text(letter)
    # The denial in words (no code list imported), the lines as billed and paid, enclosures.
    assert "Reason given: CO-50: The payer decided the service was not medically" in text
    assert "99213: $150.00 charged, $0.00 paid" in text
    assert "Enclosed:\n  - the remittance advice (835) for claim C2" in text
    assert "(see remittance)" not in text
    assert "Springfield Clinic\nMarch" in text  # the profile's name, dated the practice's today
    assert text.rstrip().endswith("Sincerely,\nBilling Office")
    assert status(uow_factory, "C2") is ClaimStatus.APPEALED
    submit_appeal(uow_factory, appeal, on=NOW.date())
    decide_appeal(uow_factory, appeal, outcome="lost", on=NOW.date(), by="tom", now=NOW)
    assert status(uow_factory, "C2") is ClaimStatus.DENIED
    with uow_factory() as uow:
        (stored,) = uow.appeals.of_claim("C2")
    assert stored.deadline == date(2024, 3, 15) + timedelta(days=180)
    assert stored.outcome == "lost"
    assert stored.denial_codes == "CO-50"


def test_a_denial_without_appeal_rights_cannot_be_appealed(
    uow_factory: Factory, tmp_path: Path
) -> None:
    seed(uow_factory)
    deny(uow_factory, "C3", carc="18")  # duplicate: no appeal rights
    with pytest.raises(Tier2Error, match="no appeal rights"):
        start_appeal(uow_factory, "C3", argument="x", letters=tmp_path, by="tom", now=NOW)


def test_a_corrected_claim_waits_in_the_editor_until_the_biller_saves_a_change(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    deny(uow_factory, "C2", carc="4")  # coding: corrected claim
    new_id = corrected_claim(uow_factory, "C2", by="tom", now=NOW)
    with uow_factory() as uow:
        new = uow.claims.get(new_id)
    assert new is not None
    assert new.frequency is FrequencyCode.REPLACEMENT
    assert new.replaces_payer_claim_number == "PCN-C2"
    assert new.awaits_correction
    # Nothing moved yet: the original keeps its charges, its status and its appeal rights.
    assert status(uow_factory, "C2") is ClaimStatus.DENIED
    assert owed(uow_factory, "C2") == M("190.00")
    assert owed(uow_factory, new_id) == M("0.00")
    # Asked again, the same draft.
    assert corrected_claim(uow_factory, "C2", by="tom", now=NOW) == new_id
    # A save without a change and without a reason is refused, and changes nothing.
    with pytest.raises(ClaimEditError, match="sent only with a correction"):
        save_correction(uow_factory, new_id)
    assert status(uow_factory, new_id) is ClaimStatus.DRAFT

    # The biller adds the modifier the payer asked for and corrects the charge.
    outcome = save_correction(uow_factory, new_id, {"modifiers": "25", "charge": "160.00"})
    assert {(c.field, c.old, c.new) for c in outcome.changes} >= {
        ("modifiers", "", "25"),
        ("charge", "150.00", "160.00"),
    }
    assert status(uow_factory, "C2") is ClaimStatus.CLOSED
    assert owed(uow_factory, "C2") == M("0.00")
    assert owed(uow_factory, new_id) == M("200.00")  # 160.00 + 40.00, as it now bills
    assert status(uow_factory, new_id) in (ClaimStatus.READY, ClaimStatus.HELD)
    with uow_factory() as uow:
        history = uow.claims.get("C2")
    assert history is not None
    assert "replaced by " + new_id in history.history[-1].reason
    # Corrected once, the original is not corrected again: its replacement is.
    with pytest.raises(Tier2Error, match="already replaced"):
        corrected_claim(uow_factory, "C2", by="tom", now=NOW)


def test_a_corrected_claim_is_sent_unchanged_only_with_the_reason(uow_factory: Factory) -> None:
    seed(uow_factory)
    deny(uow_factory, "C2", carc="4")
    new_id = corrected_claim(uow_factory, "C2", by="tom", now=NOW)
    outcome = save_correction(uow_factory, new_id, why="the payer asked for a resubmission")
    assert outcome.changes == ()
    assert "sent unchanged: the payer asked for a resubmission" in outcome.audit_detail()
    assert owed(uow_factory, new_id) == M("190.00")
    assert status(uow_factory, "C2") is ClaimStatus.CLOSED


def test_an_appeal_of_a_corrected_claim_is_the_next_level(
    uow_factory: Factory, tmp_path: Path
) -> None:
    seed(uow_factory)
    deny(uow_factory, "C2", carc="50")  # not medically necessary: appealable
    start_appeal(
        uow_factory, "C2", argument="Documented need.", letters=tmp_path, by="tom", now=NOW
    )
    new_id = corrected_claim(uow_factory, "C2", by="tom", now=NOW)
    save_correction(uow_factory, new_id, {"modifiers": "25"})
    with uow_factory() as uow:
        claim = uow.claims.get(new_id)
        assert claim is not None
        claim.payer_claim_number = "PCN-C2-7"
        for target in (ClaimStatus.SUBMITTED, ClaimStatus.DENIED):
            if claim.status is not ClaimStatus.READY and target is ClaimStatus.SUBMITTED:
                claim.move_to(ClaimStatus.READY, by="tom", at=NOW)
            claim.move_to(target, by="tom", at=NOW)
        uow.claims.save(claim)
        uow.commit()
    appeal_id = start_appeal(
        uow_factory,
        new_id,
        argument="Corrected and still denied.",
        letters=tmp_path,
        by="tom",
        now=NOW,
    )
    with uow_factory() as uow:
        appeal = uow.appeals.get(appeal_id)
    assert appeal is not None
    assert appeal.level == 2
    text = pdf_text(tmp_path / f"appeal-{new_id}-2.pdf")
    assert "level 2" in text
    assert "corrected claim (frequency 7) of our claim C2 (your claim number PCN-C2)" in text


def test_a_void_reverses_the_charges(uow_factory: Factory) -> None:
    seed(uow_factory)
    post_bytes(
        uow_factory,
        file_of(remittance("T1", paid_claim("C1"))),
        name="x",
        now=NOW,
        by="p",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    with pytest.raises(Tier2Error, match="a void needs its reason"):
        void_claim(uow_factory, "C1", reason="  ", by="tom", now=NOW)
    void_id = void_claim(uow_factory, "C1", reason="wrong patient", by="tom", now=NOW)
    with uow_factory() as uow:
        void = uow.claims.get(void_id)
        original = uow.claims.get("C1")
    assert void is not None
    assert original is not None
    assert void.frequency is FrequencyCode.VOID
    assert void.history[-1].reason == "voids C1: wrong patient"
    assert original.history[-1].reason == f"voided by {void_id}: wrong patient"
    assert owed(uow_factory, void_id) == M("0.00")
    # The payment stays on C1 until the payer's reversal (CLP02 = 22) takes it back.
    assert owed(uow_factory, "C1") == M("-190.00")


def test_claims_with_no_answer_are_chased_once(uow_factory: Factory, tmp_path: Path) -> None:
    seed(uow_factory)
    post_bytes(
        uow_factory,
        file_of(remittance("T1", paid_claim("C1"))),
        name="x",
        now=NOW,
        by="p",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    waiting = chase_unanswered(
        uow_factory, now=NOW, outbox=tmp_path, partners=PARTNERS, policy=shipped_policy()
    )
    assert waiting == ["C2", "C3"]
    chase_unanswered(
        uow_factory, now=NOW, outbox=tmp_path, partners=PARTNERS, policy=shipped_policy()
    )
    assert len(list(tmp_path.glob("276-*.x12"))) == 1
    with uow_factory() as uow:
        item = uow.work_items.active_for("C2", "no_response")
        log = uow.follow_ups.of_claim("C2")
    assert item is not None
    assert item.amount_at_stake == M("190.00")
    assert [f.channel for f in log] == ["276"]
    log_follow_up(
        uow_factory,
        "C2",
        channel="call",
        reference="REF-77",
        notes="payer says in process",
        next_follow_up=date(2024, 4, 1),
        by="tom",
        now=NOW,
    )
    with uow_factory() as uow:
        assert [f.reference for f in uow.follow_ups.of_claim("C2")][-1] == "REF-77"


def test_an_appeal_the_claim_cannot_take_writes_no_letter(
    uow_factory: Factory, tmp_path: Path
) -> None:
    seed(uow_factory)
    deny(uow_factory, "C2")
    letters = tmp_path / "letters"
    first = start_appeal(uow_factory, "C2", argument="x", letters=letters, by="tom", now=NOW)
    submit_appeal(uow_factory, first, on=NOW.date())
    decide_appeal(uow_factory, first, outcome="lost", on=NOW.date(), by="tom", now=NOW)
    void_claim(uow_factory, "C2", reason="duplicate of C1", by="tom", now=NOW)
    with pytest.raises(Tier2Error, match="so it cannot be appealed"):
        start_appeal(uow_factory, "C2", argument="again", letters=letters, by="tom", now=NOW)
    assert sorted(p.name for p in letters.iterdir()) == ["appeal-C2-1.pdf"]
