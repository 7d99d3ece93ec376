"""The 277 claim status response (005010X212): written and read back the same.

pyx12 4.0 ships an X212 map but does not list it in its map index, so it cannot be the oracle
here; the reader (``claimdesk.edi.x277.read``), which checks the X212 structure, is.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from claimdesk.domain.money import Money
from claimdesk.edi.x12.composites import EntityName
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x277.read import CLAIM_STATUS, read_277
from claimdesk.edi.x277.write_status import (
    DENIED,
    IN_PROCESS,
    NOT_FOUND,
    PAID,
    ClaimStatusReport,
    StatusResponse,
    write_277_status,
)

ENVELOPE = Envelope("MCR01", "RFMG001", 41, 41, datetime(2026, 3, 2, 12, 0))
SOURCE = EntityName("PR", "2", "MEDICARE PART B", id_qualifier="PI", id="MCR01")
RECEIVER = EntityName("41", "2", "RIVERBEND FAMILY MEDICINE", id_qualifier="46", id="RFMG001")
PROVIDER = EntityName("1P", "2", "RIVERBEND FAMILY MEDICINE", id_qualifier="XX", id="1234567893")


def _member(last: str, member_id: str) -> EntityName:
    return EntityName("IL", "1", last, "ANA", id_qualifier="MI", id=member_id)


PAID_CLAIM = ClaimStatusReport(
    trace_number="C100-20260302",
    subscriber=_member("ROSS", "1EG4TE5MK72"),
    status=PAID,
    status_date=date(2026, 2, 20),
    charge=Money("180.00"),
    patient_control_number="CE0000100",
    payer_claim_number="MCR011-CE0000100",
    paid=Money("96.12"),
    adjudicated=date(2026, 2, 18),
    payment_method="ACH",
    check_date=date(2026, 2, 20),
    check_number="7001",
    service_from=date(2026, 1, 30),
)
DENIED_CLAIM = ClaimStatusReport(
    trace_number="C101-20260302",
    subscriber=_member("DIAZ", "2FG5TE5MK73"),
    status=DENIED,
    status_date=date(2026, 2, 20),
    charge=Money("95.00"),
    patient_control_number="CE0000101",
    payer_claim_number="MCR011-CE0000101",
    paid=Money("0.00"),
    adjudicated=date(2026, 2, 18),
    payment_method="NON",
    service_from=date(2026, 1, 28),
    service_to=date(2026, 1, 29),
)
PENDING_CLAIM = ClaimStatusReport(
    trace_number="C102-20260302",
    subscriber=_member("KIM", "3HG6TE5MK74"),
    status=IN_PROCESS,
    status_date=date(2026, 2, 27),
    charge=Money("210.50"),
    patient_control_number="CE0000102",
    payer_claim_number="MCR011-CE0000102",
    service_from=date(2026, 2, 25),
)
UNKNOWN_CLAIM = ClaimStatusReport(
    trace_number="C103-20260302",
    subscriber=_member("LEE", "4JG7TE5MK75"),
    status=NOT_FOUND,
    status_date=date(2026, 3, 2),
    charge=Money("60.00"),
    patient_control_number="CE0000103",
)
CLAIMS = (PAID_CLAIM, DENIED_CLAIM, PENDING_CLAIM, UNKNOWN_CLAIM)


def _text() -> str:
    return write_277_status([StatusResponse(SOURCE, RECEIVER, PROVIDER, CLAIMS)], ENVELOPE)


def test_the_277_reads_back_with_every_status_and_amount() -> None:
    read = read_277(_text())
    assert read.findings == ()
    (response,) = read.responses
    assert response.implementation == CLAIM_STATUS
    assert response.transaction_type == "DG"
    assert not response.is_acknowledgment
    assert [s.name for s in response.sources] == [SOURCE]
    assert [p.name for p in response.providers] == [PROVIDER]
    by_trace = {c.patient_control_number: c for c in response.claims}
    assert set(by_trace) == {c.trace_number for c in CLAIMS}
    for sent in CLAIMS:
        got = by_trace[sent.trace_number]
        (status,) = got.statuses
        assert status.codes == (sent.status,)
        assert status.effective_date == sent.status_date
        assert status.charge == sent.charge
        assert status.paid == sent.paid
        assert status.adjudicated == sent.adjudicated
        assert status.payment_method == sent.payment_method
        assert status.check_date == sent.check_date
        assert status.check_number == sent.check_number
        assert got.reference("EJ") == sent.patient_control_number
        assert got.payer_claim_number == (sent.payer_claim_number or None)
        assert got.member_id == sent.subscriber.id
        assert got.finalized == sent.status.category.startswith("F")
        if sent.service_from is None:
            assert got.service_dates is None
        else:
            assert got.service_dates is not None
            assert got.service_dates.start == sent.service_from
            assert got.service_dates.end == (sent.service_to or sent.service_from)


def test_a_finalized_claim_without_its_payment_is_refused() -> None:
    claim = ClaimStatusReport(
        trace_number="T1",
        subscriber=_member("ROSS", "1EG4TE5MK72"),
        status=PAID,
        status_date=date(2026, 2, 20),
        charge=Money("10.00"),
    )
    with pytest.raises(X12WriteError, match="STC05"):
        write_277_status([StatusResponse(SOURCE, RECEIVER, PROVIDER, (claim,))], ENVELOPE)


def test_a_subscriber_without_a_member_id_is_refused() -> None:
    claim = ClaimStatusReport(
        trace_number="T1",
        subscriber=EntityName("IL", "1", "ROSS", "ANA"),
        status=NOT_FOUND,
        status_date=date(2026, 2, 20),
        charge=Money("10.00"),
    )
    with pytest.raises(X12WriteError, match="2100D NM108"):
        write_277_status([StatusResponse(SOURCE, RECEIVER, PROVIDER, (claim,))], ENVELOPE)
