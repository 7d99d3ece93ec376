"""Any item of one's queues can be opened and taken, not only the next one; an item of a queue
one does not work cannot."""

from __future__ import annotations

from collections.abc import Callable

from desk_practice import build_desk

from claimdesk.domain.work import WorkStatus
from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork


def test_a_chosen_item_is_taken_from_its_page(uow_factory: Callable[[], UnitOfWork]) -> None:
    desk = build_desk(uow_factory)
    tier1 = desk.signed_in(Role.TIER1)
    page = tier1.get(f"/items/{desk.tier1_item}")
    assert 'id="take-item"' in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    taken = tier1.post(f"/items/{desk.tier1_item}/take", data={"csrf_token": csrf})
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/items/{desk.tier1_item}"
    with uow_factory() as uow:
        item = uow.work_items.get(desk.tier1_item)
    assert item is not None
    assert (item.status, item.assignee) == (WorkStatus.IN_PROGRESS, "ann")
    held = tier1.get(f"/items/{desk.tier1_item}").text
    assert 'id="take-item"' not in held
    # Tier 1 does not work Tier 2's queue: the item is not even shown to them.
    other = tier1.post(f"/items/{desk.tier2_item}/take", data={"csrf_token": csrf})
    assert other.status_code == 404
