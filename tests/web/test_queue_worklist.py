"""The queue page as a worklist (issue 17): any item of one's queues can be reached, not only
"next": it filters (queue, kind, status, amount at stake, due within days), sorts by any
column, pages 100 items at a time saying how many matched, and exports CSV; audited."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from desk_practice import CLAIM_T2, POLICY, START, build_desk

from claimdesk.domain.money import Money
from claimdesk.domain.work import Problem, WorkKind
from claimdesk.routing.access import Role
from claimdesk.services import work_queue
from claimdesk.store.repositories import work_items as item_store
from claimdesk.store.uow import UnitOfWork

MORE = 120  # denials beyond the practice's own one: more than a page


def _items(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr>\s*<td><a href="/items/(\d+)">', html)]


def _amounts(html: str) -> list[Money]:
    return [
        Money(a)
        for a in re.findall(r'</a></td>\s*<td>[a-z_]+</td>\s*<td class="num">([0-9.]+)</td>', html)
    ]


def _open(uow_factory: Callable[[], UnitOfWork], count: int) -> None:
    """``count`` denials of $1.00, $2.00, ... in two Tier 2 queues by turns (t2-coding,
    t2-denials): the page merges the queues it reads one at a time."""
    for n in range(1, count + 1):
        work_queue.open_item(
            uow_factory,
            Problem(
                kind=WorkKind.DENIAL,
                category="coding" if n % 2 else "needs_review",
                problem_key=f"denial:TEST-{n}",
                amount_at_stake=Money(f"{n}.00"),
                claim_id=CLAIM_T2,
                patient_account="P2",
                appeal_rights=True,
                summary=f"CO-{n} test denial",
            ),
            now=START,
            by="router",
            policy=POLICY,
        )


def test_the_queue_filters_sorts_pages_and_exports(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    desk = build_desk(uow_factory)
    _open(uow_factory, MORE)
    client = desk.signed_in(Role.TIER2)
    first = client.get("/queue")
    assert first.status_code == 200, first.text
    assert f"{MORE + 1} item(s) match; page 1 of 2" in first.text
    assert len(_items(first.text)) == 100
    assert re.search(
        r'href="/queue\?sort=score&amp;order=desc&amp;page=2"[^>]* rel="next"', first.text
    )
    second = client.get("/queue?page=2")
    assert len(_items(second.text)) == MORE + 1 - 100
    assert not set(_items(first.text)) & set(_items(second.text))

    cheapest = client.get("/queue?sort=amount&order=asc")
    assert _amounts(cheapest.text)[:3] == [Money("1.00"), Money("2.00"), Money("3.00")]
    dearest = client.get("/queue?sort=amount&order=desc")
    assert _amounts(dearest.text)[:2] == [Money("150.00"), Money("120.00")]

    large = client.get("/queue?amount_from=100&sort=amount&order=asc")
    assert "22 item(s) match" in large.text  # 100.00 to 120.00, and the 150.00 denial
    assert _amounts(large.text)[0] == Money("100.00")
    holds = client.get("/queue?kind=scrub_hold")
    assert "0 item(s) match" in holds.text
    assert "No item matches." in holds.text
    bad = client.get("/queue?amount_from=lots")
    assert bad.status_code == 409

    lines = client.get("/queue.csv?sort=amount&order=asc").text.strip().splitlines()
    assert lines[0].startswith("item,queue,kind,category,claim_id,at_stake,score,deadline")
    assert len(lines) == MORE + 2
    assert lines[1].split(",")[5] == "1.00"

    with uow_factory() as uow:
        records = [r.record for r in uow.audit.records(limit=50, newest_first=True)]
    viewed = [r.target for r in records if r.action == "view_queue"]
    assert "my queues: status open, at stake from 100.00, page 1" in viewed
    assert any(r.action == "export_queue" for r in records)


def test_past_the_count_cap_the_queue_says_more_than_and_still_pages(
    uow_factory: Callable[[], UnitOfWork], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Matches are counted up to COUNT_CAP (a million claims' open items cost the page more to
    count than to show); past it the page says "more than", and a full page has a next one."""
    desk = build_desk(uow_factory)
    _open(uow_factory, MORE)
    monkeypatch.setattr(item_store, "COUNT_CAP", 50)
    client = desk.signed_in(Role.TIER2)
    first = client.get("/queue")
    assert "More than 50 items match; page 1;" in first.text
    assert len(_items(first.text)) == 100
    assert 'rel="next"' in first.text
    second = client.get("/queue?page=2")
    assert len(_items(second.text)) == MORE + 1 - 100
    assert 'rel="next"' not in second.text
    assert not set(_items(first.text)) & set(_items(second.text))
