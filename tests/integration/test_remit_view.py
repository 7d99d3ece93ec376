"""A claim's remittance as the claim's page reads it, on SQLite and PostgreSQL: each line's
charge, allowed and paid, every adjustment and remark kept at posting (LQ*HE on a line, MOA on
the claim) and each in plain words."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from remit_practice import NOW, M, file_of, paid_claim, remittance, seed

from claimdesk.denials.table import shipped_table
from claimdesk.edi.x12.composites import QualifiedAmount
from claimdesk.edi.x835.model import OutpatientAdjudication, Remark
from claimdesk.posting.remit_view import payment_view
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.post_remittance import post_bytes
from claimdesk.store.uow import UnitOfWork


def test_the_page_reads_each_line_with_its_codes_in_words(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    seed(uow_factory)
    paid = paid_claim("C1")
    first = dataclasses.replace(
        paid.service_lines[0],
        amounts=(QualifiedAmount("B6", M("92.50")),),
        remarks=(Remark("HE", "N130"),),
    )
    paid = dataclasses.replace(
        paid,
        service_lines=(first, *paid.service_lines[1:]),
        outpatient=OutpatientAdjudication(None, None, ("MA01",)),
    )
    post_bytes(
        uow_factory,
        file_of(remittance("T1", paid)),
        name="era.835",
        now=NOW,
        by="poster",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    with uow_factory() as uow:
        [row] = uow.remittances.payments_of_claim("C1")
        shown = payment_view(dict(row))
    assert (shown.charge, shown.paid, shown.patient_share) == (M("190.00"), M("92.50"), M("20.00"))
    assert shown.payer_claim_number == "PCN-C1"
    assert shown.remark_codes == ("MA01", "N130")
    visit, flu = shown.lines
    assert (visit.procedure, visit.charge, visit.allowed, visit.paid) == (
        "99213",
        M("150.00"),
        M("92.50"),
        M("72.50"),
    )
    assert [str(a) for a in visit.adjustments] == ["CO-45 57.50", "PR-2 20.00"]
    assert [r.code for r in visit.remarks] == ["N130"]
    assert (flu.allowed, [str(a) for a in flu.adjustments], flu.remarks) == (
        None,
        ["CO-45 20.00"],
        (),
    )
    # Every code the payer sent is explained in words, with what to do next.
    for code in (*visit.adjustments, *visit.remarks, *shown.remarks):
        assert code.meaning, code
        assert code.next_step, code
    assert "coinsurance" in visit.adjustments[1].meaning
