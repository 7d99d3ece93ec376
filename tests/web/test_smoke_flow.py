"""A Tier 1 person signs in, sees the queue with the score's parts, takes and closes an item."""

from __future__ import annotations

from collections.abc import Callable

from desk_practice import CLAIM_T1, build_desk

from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork


def test_tier1_takes_notes_and_closes(uow_factory: Callable[[], UnitOfWork]) -> None:
    desk = build_desk(uow_factory)
    client = desk.signed_in(Role.TIER1)
    queue = client.get("/queue")
    assert queue.status_code == 200
    assert f"/items/{desk.tier1_item}" in queue.text
    assert f"/items/{desk.tier2_item}" not in queue.text
    assert "190.00" in queue.text  # the amount at stake, one of the score's parts
    csrf = queue.text.split('name="csrf_token" value="')[1].split('"')[0]
    taken = client.post("/queue/next", data={"csrf_token": csrf})
    assert taken.headers["location"] == f"/items/{desk.tier1_item}"
    item = client.get(taken.headers["location"])
    assert CLAIM_T1 in item.text
    assert "A12345678" in item.text  # Tier 1 sees the member id
    noted = client.post(
        f"/items/{desk.tier1_item}/note", data={"csrf_token": csrf, "text": "called the payer"}
    )
    assert noted.status_code == 303
    # What Decimal() takes but no person means as dollars is refused, and the item stays open.
    for typed in ("1_000", "１２３", "1e3", "12.345", "-5"):
        refused = client.post(
            f"/items/{desk.tier1_item}/close",
            data={
                "csrf_token": csrf,
                "outcome": "recovered",
                "action": "fix_and_resubmit",
                "resolved": typed,
            },
        )
        assert refused.status_code == 409, (typed, refused.status_code)
        assert "dollars recovered" in refused.text
    closed = client.post(
        f"/items/{desk.tier1_item}/close",
        data={"csrf_token": csrf, "outcome": "no_action_needed", "action": "fix_and_resubmit"},
    )
    assert closed.status_code == 303, closed.text
    after = client.get(f"/items/{desk.tier1_item}")
    assert ">done<" in after.text
    assert "called the payer" in after.text


def test_the_write_off_form_offers_the_reason_codes(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    client = desk.signed_in(Role.TIER2)
    queue = client.get("/queue")
    csrf = queue.text.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/queue/next", data={"csrf_token": csrf})
    page = client.get(f"/items/{desk.tier2_item}")
    assert '<select id="wo-reason" name="reason_code" required>' in page.text
    assert '<option value="bad-debt">bad debt (a manager approves)</option>' in page.text
    assert page.text.count("<option value=") >= 8
    posted = client.post(
        f"/items/{desk.tier2_item}/write-off",
        data={"csrf_token": csrf, "amount": "5.00", "reason_code": "small-balance"},
    )
    assert posted.status_code == 303, posted.text
