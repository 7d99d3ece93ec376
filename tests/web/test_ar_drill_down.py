"""The A/R figure through the web: the summary, the paged drill-down (API and page) and the
streamed CSV all add up to the ledger's receivables, recomputed here with plain SQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from desk_practice import build_desk
from sqlalchemy import text

from claimdesk.routing.access import Role
from claimdesk.store.uow import UnitOfWork

AS_OF = "2024-03-31"


def _ledger_receivables(uow_factory: Callable[[], UnitOfWork]) -> Decimal:
    with uow_factory() as uow:
        value = uow.read.execute(
            text(
                "SELECT SUM(p.amount) FROM ledger_postings p "
                "JOIN ledger_entries e ON e.entry_id = p.entry_id "
                "WHERE p.account IN ('ar:insurance', 'ar:patient') AND e.effective <= :day"
            ),
            {"day": AS_OF},
        ).scalar()
        sqlite = uow.read.dialect.name == "sqlite"
    # SQLite keeps money as integer cents, PostgreSQL as NUMERIC(12, 2).
    return Decimal(int(value)).scaleb(-2) if sqlite else Decimal(str(value))


def test_pages_csv_and_summary_are_one_ar_figure(uow_factory: Callable[[], UnitOfWork]) -> None:
    desk = build_desk(uow_factory, items=False)
    client = desk.client()
    headers = {"Authorization": f"Bearer {desk.api_token(client, Role.MANAGER)}"}
    books = client.get(f"/api/v1/summary?as_of={AS_OF}", headers=headers).json()["summary"]
    assert books["as_of"] == AS_OF
    ar = books["ar"]
    total = Decimal(ar["total"])
    # The practice's three claims were charged and never sent: all of it is unbilled A/R.
    assert total == _ledger_receivables(uow_factory) > 0
    assert sum(Decimal(v) for v in ar["parts"].values()) == total
    assert Decimal(ar["parts"]["insurance unbilled"]) > 0

    rows: list[dict[str, Any]] = []
    url: str | None = f"/api/v1/ar?as_of={AS_OF}&limit=1"
    pages = 0
    while url is not None:
        page = client.get(url, headers=headers).json()
        assert len(page["rows"]) <= 1
        rows += page["rows"]
        url = page["next"]
        pages += 1
    assert pages == len(rows) > 1
    assert len({(r["claim_id"], r["part"]) for r in rows}) == len(rows)
    assert sum(Decimal(r["amount"]) for r in rows) == total

    streamed = client.get(f"/api/v1/ar.csv?as_of={AS_OF}", headers=headers)
    assert streamed.headers["content-type"].startswith("text/csv")
    exported = list(csv.DictReader(io.StringIO(streamed.text)))
    assert [(r["claim_id"], r["amount"]) for r in exported] == [
        (r["claim_id"], r["amount"]) for r in rows
    ]

    unbilled = client.get(
        f"/api/v1/ar?as_of={AS_OF}&part=insurance%20unbilled", headers=headers
    ).json()
    assert sum(Decimal(r["amount"]) for r in unbilled["rows"]) == Decimal(
        ar["parts"]["insurance unbilled"]
    )
    refused = client.get(f"/api/v1/ar?as_of={AS_OF}&part=everything", headers=headers)
    assert refused.status_code == 422
    # A day at the calendar's edge is refused before the CSV starts streaming (the API fuzz
    # found 0001-01-01 overflowing the aging buckets mid-stream).
    for path in ("/api/v1/ar.csv", "/api/v1/ar", "/api/v1/summary"):
        edge = client.get(f"{path}?as_of=0001-01-01", headers=headers)
        assert edge.status_code == 422, (path, edge.text)

    manager = desk.signed_in(Role.MANAGER)
    first = manager.get(f"/dashboard/ar?as_of={AS_OF}&part=insurance%20unbilled")
    assert first.status_code == 200
    assert 'rel="next"' not in first.text or len(unbilled["rows"]) > 50
    dashboard = manager.get(f"/dashboard?as_of={AS_OF}")
    assert dashboard.status_code == 200
    assert f">{total:.2f}</span></a> A/R" in dashboard.text
