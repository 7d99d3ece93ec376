"""A/R as of a day, summed by the database: the one A/R figure and its drill-down.

Read-only: takes the connection of the open unit of work (``uow.read``). Every amount is a
``SUM`` of ledger postings effective on or before the day, grouped in SQL (SQLite and
PostgreSQL alike), so no history is loaded into Python; the drill-down is read one keyset page
at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    true,
    type_coerce,
)

from claimdesk.analytics.position import (
    BUCKET_NAMES,
    INSURANCE,
    PATIENT,
    UNBILLED,
    ArClaim,
    ArFilter,
    ArLine,
    ArPage,
    ArPosition,
    bucket_starts,
)
from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money
from claimdesk.store import ledger_days
from claimdesk.store.queries import settled_ar
from claimdesk.store.rollups import ROLLUPS
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow
from claimdesk.store.tables.encounters import EncounterRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.types import money_type

_RECEIVABLE = {Account.INSURANCE_AR.value: INSURANCE, Account.PATIENT_AR.value: PATIENT}
_ROLLUP_COLUMNS = {
    Account.INSURANCE_AR.value: "insurance_ar",
    Account.PATIENT_AR.value: "patient_ar",
}
CURSOR_SEPARATOR = "|"  # an X12 element separator in many files, so never inside a CLM01
CHUNK = 500  # claims summed per query of a drill-down page
SCAN_LIMIT = 20_000  # claims one page reads at most before it ends early
PAST_CLAIM = "~"  # a receivable that sorts after every account: the cursor is past the claim


def _money(value: Decimal | None) -> Money:
    return Money.zero() if value is None else Money(value)


def _balances(
    as_of: date, payer_id: str | None, zone: tzinfo, claims: Sequence[str] | None = None
) -> Any:
    """Per claim and receivable (per patient, payer and day for money on no claim): the sum of
    postings effective on or before ``as_of``, with the claim's payer, patient, date of service,
    aging bucket and whether the claim had gone to the payer by then. ``claims`` keeps only
    those claims (an empty list: only the money on no claim)."""
    p, e = LedgerPostingRow, LedgerEntryRow
    unattached = p.claim_id.is_(None)
    per_claim = (
        select(
            p.claim_id.label("claim_id"),
            p.account.label("account"),
            case((unattached, p.patient_account), else_=null()).label("loose_patient"),
            case((unattached, p.payer_id), else_=null()).label("loose_payer"),
            case((unattached, e.effective), else_=null()).label("loose_day"),
            func.sum(p.amount).label("amount"),
        )
        .join(e, e.entry_id == p.entry_id)
        .where(
            p.account.in_(sorted(_RECEIVABLE)),
            e.effective <= as_of,
            true() if claims is None else (p.claim_id.in_(claims) if claims else unattached),
        )
        .group_by(
            p.claim_id,
            p.account,
            case((unattached, p.patient_account), else_=null()),
            case((unattached, p.payer_id), else_=null()),
            case((unattached, e.effective), else_=null()),
        )
        .subquery("per_claim")
    )
    dated = func.coalesce(EncounterRow.date_of_service, per_claim.c.loose_day)
    bucket = case(
        *((dated >= start, literal(name)) for name, start in bucket_starts(as_of)),
        else_=literal(BUCKET_NAMES[-1]),
    )
    # Submitted by the end of the practice's day (docs/clock.md: one clock, the practice's zone).
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=zone)
    h = ClaimStatusRow
    submitted = exists(
        select(h.id).where(
            h.claim_id == per_claim.c.claim_id,
            h.to_status == ClaimStatus.SUBMITTED.value,
            h.at < cutoff,
        )
    )
    billed = case(
        (per_claim.c.account == Account.PATIENT_AR.value, literal(1)),
        (per_claim.c.claim_id.is_(None), literal(1)),
        (submitted, literal(1)),
        else_=literal(0),
    )
    payer = func.coalesce(ClaimRow.payer_id, per_claim.c.loose_payer, literal(""))
    query = (
        select(
            func.coalesce(per_claim.c.claim_id, literal("")).label("claim_id"),
            per_claim.c.account,
            payer.label("payer_id"),
            func.coalesce(EncounterRow.patient_account, per_claim.c.loose_patient).label(
                "patient_account"
            ),
            dated.label("dated"),
            bucket.label("bucket"),
            billed.label("billed"),
            per_claim.c.amount,
        )
        .select_from(per_claim)
        .outerjoin(ClaimRow, ClaimRow.claim_id == per_claim.c.claim_id)
        .outerjoin(EncounterRow, EncounterRow.encounter_id == ClaimRow.encounter_id)
        .where(per_claim.c.amount != Decimal(0))
    )
    if payer_id is not None:
        query = query.where(payer == payer_id)
    return query.subquery("balances")


def _claim_lines(read: Connection, as_of: date, payer_id: str | None, zone: tzinfo) -> list[ArLine]:
    """The claims' A/R at the end of ``as_of`` by receivable, billing state, payer and bucket,
    in one pass over the KPI rollup: each claim's balances as they stand, less what was posted
    effective after ``as_of`` (an index range on the postings' effective day, summed per claim:
    nothing at all for today), with the rollup's payer, date of service and first submission.
    Money on no claim is not here."""
    r, p = ROLLUPS, LedgerPostingRow
    later = (
        select(
            p.claim_id,
            *(
                func.sum(case((p.account == account, p.amount), else_=None)).label(column)
                for account, column in _ROLLUP_COLUMNS.items()
            ),
        )
        .where(p.effective > as_of, p.account.in_(sorted(_RECEIVABLE)), p.claim_id.is_not(None))
        .group_by(p.claim_id)
        .subquery("later")
    )
    zero: Any = literal_column("0")
    balance = {
        column: type_coerce(r.c[column] - func.coalesce(later.c[column], zero), money_type())
        for column in _ROLLUP_COLUMNS.values()
    }
    bucket = case(
        *((r.c.date_of_service >= start, literal(name)) for name, start in bucket_starts(as_of)),
        else_=literal(BUCKET_NAMES[-1]),
    )
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=zone)
    billed = case((r.c.submitted_at < cutoff, literal(1)), else_=literal(0))
    open_balance = or_(
        *(r.c[column] != zero for column in _ROLLUP_COLUMNS.values()),
        later.c.claim_id.is_not(None),
    )
    per_claim = (
        select(
            r.c.payer_id,
            bucket.label("bucket"),
            billed.label("billed"),
            *(amount.label(column) for column, amount in balance.items()),
        )
        .outerjoin(later, later.c.claim_id == r.c.claim_id)
        .where(open_balance, true() if payer_id is None else r.c.payer_id == payer_id)
        .subquery("per_claim")
    )
    sums = []
    for column in _ROLLUP_COLUMNS.values():
        owed = per_claim.c[column]
        sums += [
            func.sum(owed).label(column),
            func.count(case((owed != zero, literal(1)), else_=None)).label(f"{column}_claims"),
        ]
    query = select(per_claim.c.payer_id, per_claim.c.bucket, per_claim.c.billed, *sums).group_by(
        per_claim.c.payer_id, per_claim.c.bucket, per_claim.c.billed
    )
    totals: dict[tuple[str, bool, str, str], tuple[Money, int]] = {}
    for row in read.execute(query):
        for account, column in _ROLLUP_COLUMNS.items():
            claims = row._mapping[f"{column}_claims"]
            if not claims:
                continue
            # Patient A/R is billed by statement, whether or not the claim went to a payer.
            billed_line = account == Account.PATIENT_AR.value or bool(row.billed)
            key = (account, billed_line, row.payer_id, row.bucket)
            amount, count = totals.get(key, (Money.zero(), 0))
            totals[key] = (amount + _money(row._mapping[column]), count + claims)
    return [
        ArLine(
            receivable=_RECEIVABLE[account],
            billed=billed_line,
            payer_id=payer,
            bucket=bucket_name,
            amount=amount,
            claims=count,
        )
        for (account, billed_line, payer, bucket_name), (amount, count) in totals.items()
    ]


def ar_position(
    read: Connection, as_of: date, *, payer_id: str | None = None, zone: tzinfo = UTC
) -> ArPosition:
    """The A/R figure at the end of ``as_of`` (a day in the practice's ``zone``) with its
    parts, by payer and aging bucket: the claims' balances from the KPI rollup, and the money
    on no claim (provider-level) from the ledger."""
    settled = settled_ar.settled(read, as_of, zone)
    lines = [
        *(
            _claim_lines(read, as_of, payer_id, zone)
            if settled is None
            else settled_ar.claim_lines(read, settled, payer_id)
        ),
        *_position_lines(read, _balances(as_of, payer_id, zone, claims=[])),
    ]
    return ArPosition(
        as_of,
        tuple(
            sorted(
                lines,
                key=lambda x: (
                    x.receivable,
                    not x.billed,
                    x.payer_id,
                    BUCKET_NAMES.index(x.bucket),
                ),
            )
        ),
    )


def _position_lines(read: Connection, b: Any) -> list[ArLine]:
    query = select(
        b.c.account,
        b.c.billed,
        b.c.payer_id,
        b.c.bucket,
        func.sum(b.c.amount).label("amount"),
        func.count().label("claims"),
    ).group_by(b.c.account, b.c.billed, b.c.payer_id, b.c.bucket)
    return [
        ArLine(
            receivable=_RECEIVABLE[row.account],
            billed=bool(row.billed),
            payer_id=row.payer_id,
            bucket=row.bucket,
            amount=_money(row.amount),
            claims=row.claims,
        )
        for row in read.execute(query)
    ]


def _filtered(
    as_of: date, where: ArFilter, zone: tzinfo, claims: Sequence[str] | None = None
) -> tuple[Any, Select[Any]]:
    b = _balances(as_of, where.payer_id, zone, claims)
    query = select(b)
    if where.part == INSURANCE:
        query = query.where(b.c.account == Account.INSURANCE_AR.value)
    elif where.part == PATIENT:
        query = query.where(b.c.account == Account.PATIENT_AR.value)
    elif where.part:
        billed = 0 if where.part == f"{INSURANCE} {UNBILLED}" else 1
        query = query.where(b.c.account == Account.INSURANCE_AR.value, b.c.billed == billed)
    if where.bucket:
        query = query.where(b.c.bucket == where.bucket)
    return b, query


def _claim(row: Any) -> ArClaim:
    return ArClaim(
        claim_id=row.claim_id,
        payer_id=row.payer_id,
        patient_account=row.patient_account or "",
        date_of_service=row.dated,
        receivable=_RECEIVABLE[row.account],
        billed=bool(row.billed),
        bucket=row.bucket,
        amount=_money(row.amount),
    )


def cursor_of(row: ArClaim) -> str:
    return CURSOR_SEPARATOR.join(
        (row.claim_id, row.receivable, row.patient_account, str(row.date_of_service or ""))
    )


def _page_query(
    as_of: date, where: ArFilter, zone: tzinfo, claims: Sequence[str], after: tuple[str, ...]
) -> Select[Any]:
    """The rows of ``claims`` (or of the money on no claim) after the cursor, in key order."""
    b, query = _filtered(as_of, where, zone, claims)
    key = (
        b.c.claim_id,
        b.c.account,
        func.coalesce(b.c.patient_account, literal("")),
        func.coalesce(cast(b.c.dated, String), literal("")),
    )
    if after:
        query = query.where(
            or_(
                *(
                    and_(*(key[j] == after[j] for j in range(i)), key[i] > after[i])
                    for i in range(len(key))
                )
            )
        )
    return query.order_by(*key)


def _claims_after(
    read: Connection, as_of: date, where: ArFilter, claim_id: str, count: int
) -> list[str]:
    """The next ``count`` claims in id order after ``claim_id`` that may belong to the
    drill-down: the payer's, and served within the bucket's days."""
    query = select(ClaimRow.claim_id).where(ClaimRow.claim_id > claim_id)
    if where.payer_id is not None:
        query = query.where(ClaimRow.payer_id == where.payer_id)
    if where.bucket:
        starts = dict(bucket_starts(as_of))
        names = list(BUCKET_NAMES)
        position = names.index(where.bucket)
        served = EncounterRow.date_of_service
        query = query.join(EncounterRow, EncounterRow.encounter_id == ClaimRow.encounter_id)
        if where.bucket in starts:
            query = query.where(served >= starts[where.bucket])
        if position > 0:
            query = query.where(served < starts[names[position - 1]])
    return list(read.scalars(query.order_by(ClaimRow.claim_id).limit(count)))


def ar_claims(
    read: Connection,
    as_of: date,
    where: ArFilter,
    *,
    after: str | None = None,
    limit: int = 50,
    zone: tzinfo = UTC,
) -> ArPage:
    """One page of the claims behind (a part of) the A/R figure, after the cursor ``after``.

    Keyset pagination on (claim, receivable, patient, date): money on no claim first, then the
    claims in id order, read :data:`CHUNK` claims at a time through the claims' primary key
    and summed for those claims only, so a page costs the same however deep or large the books
    are. A page holds at most ``limit`` rows; after :data:`SCAN_LIMIT` claims without filling
    it, it ends early with a cursor past the last claim read (follow ``next_after``).
    """
    account_of = {v: k for k, v in _RECEIVABLE.items()}
    cursor: tuple[str, ...] = ()
    if after:
        claim_id, receivable, patient, day = [*after.split(CURSOR_SEPARATOR), "", "", ""][:4]
        cursor = (claim_id, account_of.get(receivable, receivable), patient, day)
    rows: list[ArClaim] = []
    if not cursor or not cursor[0]:
        loose = _page_query(as_of, where, zone, [], cursor).limit(limit + 1)
        rows += [_claim(r) for r in read.execute(loose)]
    last = cursor[0] if cursor else ""
    if cursor and cursor[0] and len(rows) <= limit:
        same = _page_query(as_of, where, zone, [cursor[0]], cursor)
        rows += [_claim(r) for r in read.execute(same)]
    scanned = 0
    while len(rows) <= limit and scanned < SCAN_LIMIT:
        chunk = _claims_after(read, as_of, where, last, CHUNK)
        if not chunk:
            return ArPage(as_of, tuple(rows), None)
        rows += [_claim(r) for r in read.execute(_page_query(as_of, where, zone, chunk, ()))]
        last, scanned = chunk[-1], scanned + len(chunk)
    if len(rows) > limit:
        return ArPage(as_of, tuple(rows[:limit]), cursor_of(rows[limit - 1]))
    # The scan stopped short of a full page: go on after the last claim read.
    return ArPage(as_of, tuple(rows), CURSOR_SEPARATOR.join((last, PAST_CLAIM, "", "")))


def iter_ar_claims(
    read: Connection, as_of: date, where: ArFilter, *, page_size: int = 2000, zone: tzinfo = UTC
) -> Iterator[ArClaim]:
    """Every claim of the drill-down, one keyset page at a time (for a streamed CSV)."""
    after: str | None = None
    while True:
        page = ar_claims(read, as_of, where, after=after, limit=page_size, zone=zone)
        yield from page.rows
        if page.next_after is None:
            return
        after = page.next_after


def trial_balance(read: Connection, as_of: date) -> dict[Account, Money]:
    """Every account's balance from the postings effective on or before ``as_of``, summed by
    day as they were posted (``ledger_days``; BOOKS008 holds the days equal to the postings)."""
    sums = dict.fromkeys(Account, Money.zero())
    for account, amount in ledger_days.balances(read, as_of).items():
        sums[Account(account)] = _money(amount)
    return sums


def charges_by_payer(read: Connection, as_of: date) -> dict[str, Money]:
    """Gross charges per payer of the claims, posted on or before ``as_of`` (of settled books,
    from the payers' sums: ``settled_ar.settled``)."""
    settled = settled_ar.settled(read, as_of)
    if settled is not None:
        return settled_ar.charges_by_payer(read, settled)
    p = LedgerPostingRow
    payer = func.coalesce(ClaimRow.payer_id, p.payer_id, literal(""))
    query = (
        select(payer, func.sum(p.amount))
        .outerjoin(ClaimRow, ClaimRow.claim_id == p.claim_id)
        .where(p.effective <= as_of, p.account == Account.GROSS_CHARGES.value)
        .group_by(payer)
    )
    return {payer_id: -_money(amount) for payer_id, amount in read.execute(query)}
