"""Eight workers race for the same queue: every item is handed out exactly once.

Each worker is a thread with its own session and connection. One worker "dies" holding an item:
after its lease expires (the clock is injected) the item is handed out again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, Problem, WorkKind, WorkStatus
from claimdesk.routing.access import Role
from claimdesk.routing.policy import shipped_policy
from claimdesk.routing.triage import new_item
from claimdesk.services import work_queue as wq
from claimdesk.services.users import add_user
from claimdesk.store.uow import UnitOfWork

POLICY = shipped_policy()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WORKERS = 8
ITEMS = 2000


def load_items(uow_factory: Callable[[], UnitOfWork], count: int) -> set[int]:
    with uow_factory() as uow:
        ids = set()
        for n in range(count):
            problem = Problem(
                WorkKind.DENIAL,
                "registration",
                "denial:registration",
                Money(f"{10 + n % 500}.00"),
                claim_id=f"C{n}",
            )
            item = new_item(
                problem,
                failures=1,
                now=NOW,
                today=NOW.date(),
                by="loader",
                policy=POLICY,
                history={},
            )
            ids.add(uow.work_items.add(item))
        uow.commit()
    return ids


def test_each_item_is_handed_out_once_and_a_dead_workers_item_returns(
    engine: Engine, uow_factory: Callable[[], UnitOfWork]
) -> None:
    add_user(uow_factory, user_id="root", name="Root", role=Role.ADMIN, by="root", now=NOW)
    names = [f"w{n}" for n in range(WORKERS)] + ["late"]
    for name in names:
        add_user(uow_factory, user_id=name, name=name, role=Role.TIER1, by="root", now=NOW)
    expected = load_items(uow_factory, ITEMS)
    taken: dict[str, list[int]] = {name: [] for name in names}
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def work(name: str, dies: bool) -> None:
        try:
            start.wait()
            while True:
                item = wq.next_item(uow_factory, name, now=NOW, policy=POLICY)
                if item is None or item.item_id is None:
                    return
                taken[name].append(item.item_id)
                if dies:
                    return  # holds its item and never finishes it
                wq.close(uow_factory, item.item_id, name, outcome=Outcome.NO_ACTION_NEEDED, now=NOW)
        except BaseException as exc:  # reported below: a thread's exception would be lost
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{n}", n == 0)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    handed = [item_id for name in names for item_id in taken[name]]
    assert len(handed) == len(set(handed)) == ITEMS
    assert set(handed) == expected
    busy = [name for name in names if len(taken[name]) > 1]
    assert len(busy) >= 2, f"the race had a single winner: {busy}"
    dead_item = taken["w0"][0]
    assert len(taken["w0"]) == 1

    # Nothing is left but the dead worker's item, and its lease keeps it until it expires.
    assert wq.next_item(uow_factory, "late", now=NOW + timedelta(minutes=29), policy=POLICY) is None
    back = wq.next_item(uow_factory, "late", now=NOW + timedelta(minutes=30), policy=POLICY)
    assert back is not None
    assert (back.item_id, back.assignee, back.status) == (dead_item, "late", WorkStatus.IN_PROGRESS)
    history = wq.show(uow_factory, dead_item).history
    assert [e.action for e in history] == ["created", "taken", "lease_expired", "taken"]
    assert engine.dialect.name in {"sqlite", "postgresql"}
