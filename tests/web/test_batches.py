"""The 837 batches and acknowledgments screens (issue 17): each batch sent with its claims
and what the acknowledgments said of them, linked to the claims; the 999 and 277CA files
read; audited, refused to an admin."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from desk_practice import build_desk
from store_practice import NOW

from claimdesk.domain.money import Money
from claimdesk.routing.access import Role
from claimdesk.store.repositories.batches import BatchClaim, BatchRecord
from claimdesk.store.uow import UnitOfWork


def _sent(uow_factory: Callable[[], UnitOfWork]) -> BatchRecord:
    """A batch of CE1 and CE2 as ``submit`` records one, CE2 rejected by its 277CA, and the
    acknowledgment files read as ``ingest`` records them (the screens only read these)."""
    with uow_factory() as uow:
        batch_id = uow.batches.add(
            {
                "payer_id": "ACME",
                "transaction": "837P",
                "file_name": "837P-ACME-000000001.x12",
                "sender_id": "RFMG001",
                "receiver_id": "ACMEPAYER",
                "interchange_control_number": 1,
                "group_control_number": 1,
                "created_at": NOW,
                "created_by": "tester",
                "scrubbed": 2,
                "clean": 2,
                "held": 0,
                "submitted": 2,
                "total_charge": Decimal("340.00"),
            },
            [
                BatchClaim(0, claim, "0001", Money(charge), "submitted", "")
                for claim, charge in (("CE1", "190.00"), ("CE2", "150.00"))
            ],
        )
        uow.batches.record_outcome(batch_id, "CE1", "accepted", at=NOW, reason="")
        uow.batches.record_outcome(
            batch_id, "CE2", "rejected", at=NOW, reason="277CA A7:562 entity's NPI"
        )
        for kind, name in (("999", "answer.999"), ("277CA", "answer.277")):
            uow.files_read.add(
                sha256=kind * 8, kind=kind, name=name, at=NOW, detail={"accepted": 1, "rejected": 0}
            )
        uow.commit()
        found = uow.batches.get(batch_id)
    assert found is not None
    return found


def test_batches_show_their_claims_and_acknowledgments(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    batch = _sent(uow_factory)
    carried = ["CE1", "CE2"]
    client = desk.signed_in(Role.TIER2)

    listed = client.get("/batches")
    assert listed.status_code == 200, listed.text
    assert "1 batch(es)" in listed.text
    assert f'<a href="/batches/{batch.batch_id}">' in listed.text
    assert batch.file_name in listed.text
    only = client.get(f"/batches?payer={batch.payer_id}")
    assert batch.file_name in only.text
    assert "0 batch(es)" in client.get("/batches?payer=NOBODY").text

    detail = client.get(f"/batches/{batch.batch_id}")
    assert detail.status_code == 200, detail.text
    assert re.findall(r'<tr><td><a href="/claims/([^"]+)">', detail.text) == carried
    assert "2 sent: 1 accepted, 1 rejected, 0 waiting" in detail.text
    assert client.get("/batches/999999").status_code == 404

    acks = client.get("/acknowledgments")
    assert acks.status_code == 200, acks.text
    assert "2 file(s)" in acks.text
    assert "answer.999" in acks.text
    assert "277CA A7:562" in detail.text

    assert desk.signed_in(Role.ADMIN).get("/batches").status_code == 403
    with uow_factory() as uow:
        actions = {r.record.action for r in uow.audit.records(limit=40, newest_first=True)}
    assert {"list_batches", "view_batch", "list_acknowledgments"} <= actions
