"""The ledger's KPIs summed by the database: A/R aging, A/R over 90 days, net days in A/R and
net collection rate, with the sides ``claimdesk.analytics.receivables`` computes from rows.

Read-only: takes the connection of the open unit of work (``uow.read``). Balances are sums of
postings (a reversal cancels what it reverses); a claim's payer, patient, date of service and
first submission come from its rollup (``claim_rollups``), so the cost follows the postings
read, and only totals, per-payer and per-bucket sums come back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    Integer,
    String,
    and_,
    case,
    distinct,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)

from claimdesk.analytics.facts import Period, Scope
from claimdesk.analytics.position import BUCKETS
from claimdesk.analytics.receivables import (
    BILLED_PART,
    LARGEST_PATIENTS,
    OVER_DAYS,
    PATIENT_ASSIGNING_KINDS,
    PATIENT_PART,
    UNBILLED_PART,
    AgingParts,
    PatientPart,
    allowance_ratios,
    largest,
    revenue_window,
)
from claimdesk.analytics.results import Side
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money
from claimdesk.domain.periods import MonthEndKpis
from claimdesk.store import ledger_days
from claimdesk.store.queries import settled_ar
from claimdesk.store.queries.ar_parts import aging_bucket, unclaimed_balances
from claimdesk.store.queries.kpi_rollups import claim_scope, day_start
from claimdesk.store.rollups import ROLLUPS
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.types import money_type

_INSURANCE, _PATIENT = Account.INSURANCE_AR.value, Account.PATIENT_AR.value
_CONTRACTUAL, _CHARGES = Account.CONTRACTUAL.value, Account.GROSS_CHARGES.value
_ZERO: Any = literal_column("0")
_EMPTY: Any = literal_column("''")
_TRUE: Any = literal_column("1") == literal_column("1")


def _money(value: Decimal | None) -> Money:
    return Money.zero() if value is None else Money(value)


def _in_scope(scope: Scope) -> Any:
    """Postings of the claims ``scope`` covers, and money on no claim by its payer alone
    (``Scope.covers_unattached``); the rollup is outer-joined on the posting's claim."""
    p = LedgerPostingRow
    if scope.everything:
        return _TRUE
    claimed = [ROLLUPS.c.claim_id.is_not(None), *claim_scope(scope)]
    if scope.provider_npi is not None or scope.facility_id is not None:
        return and_(*claimed)
    return or_(
        and_(*claimed),
        and_(p.claim_id.is_(None), p.payer_id == scope.payer_id),
    )


def _postings(
    accounts: Sequence[str],
    scope: Scope,
    *,
    since: date,
    through: date | None = None,
    kinds: Sequence[str] = (),
) -> Any:
    """The postings to ``accounts`` effective ``since``..``through`` (or any day after
    ``since``) in the scope, each with its claim's rollup (none for money on no claim), by the
    day each posting carries (migration 0026); of the entry ``kinds`` only, when named."""
    p = LedgerPostingRow
    conditions = [p.account.in_(accounts), p.effective >= since, _in_scope(scope)]
    if through is not None:
        conditions.append(p.effective <= through)
    query = select(p.claim_id, p.account, p.amount, p.payer_id, p.patient_account, p.effective)
    if kinds:
        e = LedgerEntryRow
        query = query.join(e, e.entry_id == p.entry_id)
        conditions.append(e.kind.in_(kinds))
    return query.outerjoin(ROLLUPS, ROLLUPS.c.claim_id == p.claim_id).where(*conditions)


def _balances(as_of: date, scope: Scope) -> Any:
    """Non-zero receivable balances at the end of ``as_of`` per claim and account, keyed as
    ``receivables.balances`` keys them (money on no claim: by payer, patient and day).

    A claim's balance at ``as_of`` is its balance now (the rollup's sum of every posting)
    less its postings effective after ``as_of``: the cost follows the open claims and the
    postings since ``as_of``, not the practice's history. Money on no claim is summed from
    its postings."""
    p, r = LedgerPostingRow, ROLLUPS.c
    kept = claim_scope(scope)
    now = [
        select(
            r.claim_id, literal(account, String()).label("account"), column.label("amount")
        ).where(column != _ZERO, *kept)
        for account, column in ((_INSURANCE, r.insurance_ar), (_PATIENT, r.patient_ar))
    ]
    later = (
        select(p.claim_id, p.account, (-p.amount).label("amount"))
        .join(ROLLUPS, r.claim_id == p.claim_id)
        .where(p.account.in_((_INSURANCE, _PATIENT)), p.effective > as_of, *kept)
    )
    moves = union_all(*now, later).subquery("moves")
    per_claim = (
        select(
            moves.c.claim_id,
            moves.c.account,
            type_coerce(func.sum(moves.c.amount), money_type()).label("amount"),
        )
        .group_by(moves.c.claim_id, moves.c.account)
        .having(func.sum(moves.c.amount) != _ZERO)
        .subquery("per_claim")
    )
    claimed = select(
        type_coerce(per_claim.c.claim_id, String()).label("claim_id"),
        per_claim.c.account,
        func.coalesce(r.payer_id, _EMPTY).label("payer_id"),
        r.patient_account.label("patient_account"),
        r.date_of_service.label("dated"),
        r.submitted_at.label("submitted_at"),
        per_claim.c.amount,
    ).join(ROLLUPS, r.claim_id == per_claim.c.claim_id)
    unclaimed = unclaimed_balances(as_of, scope)
    if unclaimed is None:
        return claimed.subquery("balances")
    return union_all(claimed, unclaimed).subquery("balances")


def _side(condition: Any, balances: Any) -> tuple[Any, Any, Any]:
    """Distinct claims (money on no claim is none: ``Side``), amount and rows of the balances
    meeting ``condition``."""
    claimed = and_(condition, balances.c.claim_id != _EMPTY)
    return (
        func.count(distinct(case((claimed, balances.c.claim_id), else_=null()))),
        func.sum(case((condition, balances.c.amount), else_=None)),
        func.count(case((condition, _ZERO), else_=None)),
    )


def _as_side(claims: int, amount: Decimal | None, rows: int) -> Side:
    return Side(claims, _money(amount), rows)


def _billed(b: Any, as_of: date) -> tuple[Any, Any]:
    """Whether a balance is patient A/R, and whether it is billed: patient balances by
    statement, money on no claim always, insurance once the claim was first sent on or before
    ``as_of`` (``receivables._billed``; the history is dated in UTC)."""
    patient = b.c.account == _PATIENT
    sent = and_(b.c.submitted_at.is_not(None), b.c.submitted_at < day_start(as_of + timedelta(1)))
    return patient, or_(patient, b.c.claim_id == _EMPTY, sent)


# The rows of the patient part in ``receivables_at``'s answer.
_PATIENT_BUCKETS, _PATIENTS, _LARGEST = "patient buckets", "patients", "largest patient"


def _named(name: str) -> Any:
    return literal_column(f"'{name}'")


def owing_by(key: Any, amount: Any, *where: Any) -> Any:
    """Each ``key``'s summed ``amount`` over the rows meeting ``where``: a (key, total)
    subquery."""
    return (
        select(key.label("key"), func.sum(amount).label("total"))
        .where(*where)
        .group_by(key)
        .subquery()
    )


def largest_keys(owing: Any, count: int) -> Any:
    """The ``count`` keys of ``owing`` (:func:`owing_by`) with the largest totals, ties by key
    (``receivables.largest``'s order), for an ``IN``."""
    return (
        select(owing.c.key)
        .order_by(owing.c.total.desc(), owing.c.key)
        .limit(count)
        .scalar_subquery()
    )


def receivables_at(
    read: Connection, as_of: date, scope: Scope
) -> tuple[tuple[Side, Side, Side], AgingParts, PatientPart]:
    """The open A/R at the end of ``as_of`` in one statement: the balances at ``as_of`` are
    found once (a common table) and summed into the open A/R and the sides of A/R over 90 days
    (the billed A/R more than 90 days past service, the billed A/R), the insurance parts
    (billed, unbilled) by payer and bucket, and the patient part: its buckets, how many
    patients owe, and the largest patients' buckets (``PatientPart``). The whole practice's
    A/R of settled books (``settled_ar.settled``) reads the open receivables' sums instead."""
    settled = settled_ar.settled(read, as_of) if scope.everything else None
    if settled is not None:
        return settled_ar.receivables(read, settled)
    b = _balances(as_of, scope).element.cte("balances")
    patient, billed = _billed(b, as_of)
    over = and_(billed, b.c.dated < as_of - timedelta(days=OVER_DAYS))

    def row(part: Any, who: Any, bucket: Any, amount: Any, claims: Any, rows: Any) -> Any:
        return (
            part.label("part"),
            who.label("who"),
            bucket.label("bucket"),
            type_coerce(amount, money_type()).label("amount"),
            claims.label("claims"),
            rows.label("rows"),
        )

    sides = [
        select(*row(_named(name), _EMPTY, _EMPTY, amount, claims, rows))
        for name, (claims, amount, rows) in (
            ("whole", _side(_TRUE, b)),
            ("aged", _side(over, b)),
            ("billed", _side(billed, b)),
        )
    ]
    aged = select(
        case(
            (patient, literal_column(f"'{PATIENT_PART}'")),
            (billed, literal_column(f"'{BILLED_PART}'")),
            else_=literal_column(f"'{UNBILLED_PART}'"),
        ).label("part"),
        case((patient, b.c.patient_account), else_=b.c.payer_id).label("who"),
        aging_bucket(b.c.dated, as_of).label("bucket"),
        b.c.amount,
    ).cte("aged")
    a = aged.c
    summed = type_coerce(func.sum(a.amount), money_type())
    insurance = (
        select(*row(a.part, a.who, a.bucket, summed, _ZERO, _ZERO))
        .where(a.part != PATIENT_PART)
        .group_by(a.part, a.who, a.bucket)
    )
    patients = owing_by(a.who, a.amount, a.part == PATIENT_PART)
    patient_rows = [
        select(*row(_named(_PATIENT_BUCKETS), _EMPTY, a.bucket, summed, _ZERO, _ZERO))
        .where(a.part == PATIENT_PART)
        .group_by(a.bucket),
        select(
            *row(
                _named(_PATIENTS),
                _EMPTY,
                _EMPTY,
                type_coerce(_ZERO, money_type()),
                func.count(),
                _ZERO,
            )
        ).select_from(patients),
        select(*row(_named(_LARGEST), a.who, a.bucket, summed, _ZERO, _ZERO))
        .where(a.part == PATIENT_PART, a.who.in_(largest_keys(patients, LARGEST_PATIENTS)))
        .group_by(a.who, a.bucket),
    ]
    found: dict[str, Side] = {}
    parts: AgingParts = {BILLED_PART: {}, UNBILLED_PART: {}}
    buckets = {name: Money.zero() for name, _low, _high in BUCKETS}
    owing, top = 0, dict[str, dict[str, Money]]()
    for name, key, age, amount, claims, rows in read.execute(
        union_all(*sides, insurance, *patient_rows)
    ):
        if name in parts:
            parts[name].setdefault(key, {})[age] = _money(amount)
        elif name == _PATIENT_BUCKETS:
            buckets[age] = _money(amount)
        elif name == _PATIENTS:
            owing = claims
        elif name == _LARGEST:
            top.setdefault(key, {})[age] = _money(amount)
        else:
            found[name] = _as_side(claims, amount, rows)
    return (
        (found["whole"], found["aged"], found["billed"]),
        parts,
        PatientPart(buckets, owing, largest(top, LARGEST_PATIENTS)),
    )


def _posted(
    read: Connection,
    accounts: Sequence[str],
    scope: Scope,
    period: Period,
    sign: int,
    *,
    kinds: Sequence[str] | None = None,
    from_payer: bool | None = None,
) -> Side:
    """The postings to ``accounts`` in ``period`` as a side (``analytics.receivables.posted``):
    their sum, signed, and how many; of the entry ``kinds`` and of postings naming a payer or
    not, when given. The whole practice's are the ledger's day balances summed; a scope's are
    its postings summed, one index range, no row per claim."""
    if scope.everything:
        amount, count = ledger_days.period_sum(
            read, accounts, period.start, period.end, kinds=kinds, from_payer=from_payer
        )
    else:
        rows = _postings(accounts, scope, since=period.start, through=period.end, kinds=kinds or ())
        if from_payer is not None:
            named = LedgerPostingRow.payer_id.is_not(None)
            rows = rows.where(named if from_payer else ~named)
        found = rows.subquery()
        summed, count = read.execute(select(func.sum(found.c.amount), func.count())).one()
        amount = Decimal(summed or 0)
    money = _money(amount)
    return Side(None, money if sign > 0 else -money, int(count))


def net_revenue(read: Connection, period: Period, scope: Scope) -> Side:
    """Gross charges less contractual adjustments posted in ``period`` (charges are credits)."""
    return _posted(read, (_CHARGES, _CONTRACTUAL), scope, period, -1)


def cash(read: Connection, period: Period, scope: Scope) -> Side:
    """Payments (insurance and patient, less refunds and recoupments) posted in ``period``."""
    return _posted(read, (Account.CASH.value,), scope, period, 1)


def patient_payments(read: Connection, period: Period, scope: Scope) -> Side:
    """Cash from patients (less returned payments and patient refunds) posted in ``period``:
    cash postings naming no payer (``receivables.is_patient_cash``)."""
    return _posted(read, (Account.CASH.value,), scope, period, 1, from_payer=False)


def patient_assigned(read: Connection, period: Period, scope: Scope) -> Side:
    """Patient responsibility assigned in ``period``: patient receivable postings of the entry
    kinds that assign it (``receivables.PATIENT_ASSIGNING_KINDS``)."""
    kinds = sorted(PATIENT_ASSIGNING_KINDS)
    return _posted(read, (_PATIENT,), scope, period, 1, kinds=kinds)


def net_days_sides(
    read: Connection,
    end: date,
    scope: Scope,
    open_ar: Side,
    net_ar: Money | None = None,
) -> tuple[Side, Side]:
    """Net A/R at the end of ``end`` and the net revenue of the 90 days to ``end``: the sides of
    net days in A/R (``open_ar``: the open A/R at ``end``; ``net_ar``: the net A/R at ``end``,
    when already summed)."""
    if net_ar is None:
        (net_ar,) = net_ar_series(read, (end,), scope)
    return Side(open_ar.claims, net_ar, open_ar.rows), net_revenue(read, revenue_window(end), scope)


def revenue_series(read: Connection, dates: Sequence[date], scope: Scope) -> list[Money]:
    """Net revenue (charges less contractual adjustments) of the 90 days to each of ``dates``,
    from one sum per day."""
    first = revenue_window(dates[0]).start
    accounts = (_CHARGES, _CONTRACTUAL)
    if scope.everything:
        per_day = ledger_days.daily(read, accounts, first, max(dates))
    else:
        rows = _postings(accounts, scope, through=max(dates), since=first).subquery()
        per_day = {
            day: _money(amount)
            for day, amount in read.execute(
                select(
                    rows.c.effective, type_coerce(func.sum(rows.c.amount), money_type())
                ).group_by(rows.c.effective)
            )
        }
    per_day = {day: -amount for day, amount in per_day.items()}
    return [
        sum(
            (amount for day, amount in per_day.items() if revenue_window(end).contains(day)),
            Money.zero(),
        )
        for end in dates
    ]


def month_end_kpis(read: Connection, days: Sequence[date], scope: Scope) -> list[MonthEndKpis]:
    """Net A/R at the end of each of ``days`` (ascending) and net revenue of the 90 days to
    it, each summed from the ledger in one pass over all of them."""
    if not days:
        return []
    net_ar = net_ar_series(read, days, scope)
    revenue = revenue_series(read, days, scope)
    return [MonthEndKpis(a, r) for a, r in zip(net_ar, revenue, strict=True)]


def _later_than(effective: Any, dates: Sequence[date]) -> Any:
    """How many of ``dates`` (ascending) come before ``effective``: 0 on or before the first,
    ``len(dates)`` after the last."""
    return case(*((effective <= day, index) for index, day in enumerate(dates)), else_=len(dates))


def _open_now(read: Connection, scope: Scope) -> Money:
    """The scope's receivables as they stand: the open rollups and the money on no claim."""
    r, p = ROLLUPS.c, LedgerPostingRow
    claimed = select(func.sum(r.insurance_ar + r.patient_ar)).where(
        or_(r.insurance_ar != _ZERO, r.patient_ar != _ZERO), *claim_scope(scope)
    )
    unclaimed: Any = select(func.sum(p.amount)).where(
        p.claim_id.is_(None), p.account.in_((_INSURANCE, _PATIENT))
    )
    if not scope.covers_unattached(scope.payer_id):
        return _money(read.execute(claimed).scalar())
    if scope.payer_id is not None:
        unclaimed = unclaimed.where(p.payer_id == scope.payer_id)
    return _money(read.execute(claimed).scalar()) + _money(read.execute(unclaimed).scalar())


def net_ar_series(read: Connection, dates: Sequence[date], scope: Scope) -> list[Money]:
    """Net A/R at the end of each of ``dates`` (ascending), as :func:`net_days_sides` sums it
    at one date, from the claims as they stand back to the dates.

    A claim's state at a date is its state now (its rollup) less its postings after the date,
    so only the postings from the first ratio window's first day on are read, and the claims
    open now. Each claim's later postings are summed per interval between two dates; sums from
    the last interval back give its state before each, valid from its previous interval's
    date. The open A/R is the receivables now less every later interval's; the allowance needs
    only the states pending at a date (an insurance balance above zero, no contractual
    adjustment standing) and, for the payers' ratios, those with a contractual adjustment in
    the 90 days to it. The whole practice's net A/R at one day of settled books
    (``settled_ar.settled``) reads the open receivables' sums instead.
    """
    settled = settled_ar.settled(read, dates[0]) if len(dates) == 1 and scope.everything else None
    if settled is not None:
        return [settled_ar.net_ar(read, settled)]
    last = len(dates)
    since = revenue_window(dates[0]).start
    r = ROLLUPS.c
    later = _postings((_INSURANCE, _PATIENT, _CONTRACTUAL, _CHARGES), scope, since=since).subquery(
        "later"
    )
    account, amount = later.c.account, later.c.amount

    def summed(name: str) -> Any:
        return func.sum(case((account == name, amount), else_=_ZERO))

    interval = _later_than(later.c.effective, dates).label("interval")
    per_interval = (
        select(
            func.coalesce(later.c.claim_id, _EMPTY).label("claim_id"),
            interval,
            (summed(_INSURANCE) + summed(_PATIENT)).label("receivable"),
            summed(_INSURANCE).label("insurance"),
            summed(_CONTRACTUAL).label("adjusted"),
            summed(_CHARGES).label("charged"),
            func.max(case((account == _CONTRACTUAL, later.c.effective), else_=None)).label(
                "adjusted_on"
            ),
        )
        .group_by(func.coalesce(later.c.claim_id, _EMPTY), interval)
        .cte("per_interval")
    )
    t = per_interval.c
    touched = (
        select(t.claim_id, t.interval, t.insurance, t.adjusted, t.charged, t.adjusted_on)
        .where(t.claim_id != _EMPTY)
        .cte("touched")
    )
    claim, at = touched.c.claim_id, touched.c.interval

    def back(column: Any) -> Any:
        """This interval's and every later one's sum."""
        return func.sum(column).over(partition_by=claim, order_by=at.desc(), rows=(None, 0))

    # Before each interval with postings: the claim now, less that interval's and the later
    # ones', from its previous interval (its contractual adjustments: those before).
    before = (
        select(
            claim.label("claim_id"),
            func.coalesce(func.lag(at).over(partition_by=claim, order_by=at), 0).label("valid"),
            at.label("until"),
            back(touched.c.insurance).label("insurance_back"),
            back(touched.c.adjusted).label("adjusted_back"),
            back(touched.c.charged).label("charged_back"),
            func.max(touched.c.adjusted_on)
            .over(partition_by=claim, order_by=at, rows=(None, -1))
            .label("adjusted_on"),
        )
    ).subquery("before")
    # After the last interval with postings (or always, for a claim with none): the claim now.
    after = select(
        claim.label("claim_id"),
        func.max(at).label("valid"),
        literal(last, Integer).label("until"),
        type_coerce(_ZERO, money_type()).label("insurance_back"),
        type_coerce(_ZERO, money_type()).label("adjusted_back"),
        type_coerce(_ZERO, money_type()).label("charged_back"),
        func.max(touched.c.adjusted_on).label("adjusted_on"),
    ).group_by(claim)
    untouched = select(
        r.claim_id,
        literal(0, Integer),
        literal(last, Integer),
        type_coerce(_ZERO, money_type()),
        type_coerce(_ZERO, money_type()),
        type_coerce(_ZERO, money_type()),
        null(),
    ).where(
        r.insurance_ar > _ZERO,
        r.contractual == _ZERO,
        *claim_scope(scope),
        ~exists().where(claim == r.claim_id),
    )
    segments = union_all(select(before), after, untouched).subquery("segments")
    g = segments.c
    states = (
        select(
            g.claim_id,
            g.valid,
            g.until,
            (r.insurance_ar - g.insurance_back).label("insurance"),
            (r.contractual - g.adjusted_back).label("adjusted"),
            (r.gross_charges - g.charged_back).label("charged"),
            g.adjusted_on,
            r.payer_id,
        )
        .join(ROLLUPS, r.claim_id == g.claim_id)
        .where(g.valid < g.until)
        .cte("states")
    )
    s_ = states.c
    at_dates = union_all(
        *(
            select(
                literal(index, Integer).label("at"),
                literal(revenue_window(day).start, Date).label("since"),
            )
            for index, day in enumerate(dates)
        )
    ).subquery("dates")
    d = at_dates.c
    claims_of = states.join(at_dates, and_(s_.valid <= d.at, s_.until > d.at))
    balance = type_coerce(s_.insurance, money_type())
    moved = select(
        literal_column("'moved'").label("kind"),
        t.interval.label("at"),
        _EMPTY.label("payer_id"),
        type_coerce(func.sum(t.receivable), money_type()).label("first"),
        type_coerce(_ZERO, money_type()).label("second"),
        func.count().label("claims"),
    ).group_by(t.interval)
    adjusted = (
        select(
            literal_column("'ratio'"),
            d.at,
            s_.payer_id,
            type_coerce(func.sum(s_.adjusted), money_type()),
            type_coerce(-func.sum(s_.charged), money_type()),
            func.count(),
        )
        .select_from(claims_of)
        .where(s_.adjusted > _ZERO, s_.adjusted_on >= d.since)
        .group_by(d.at, s_.payer_id)
    )
    pending = (
        select(
            literal_column("'pending'"),
            d.at,
            s_.payer_id,
            balance,
            type_coerce(_ZERO, money_type()),
            func.count(),
        )
        .select_from(claims_of)
        .where(s_.insurance > _ZERO, s_.adjusted == _ZERO)
        .group_by(d.at, s_.payer_id, balance)
    )
    moved_in = dict.fromkeys(range(last + 1), Money.zero())
    by_payer: dict[int, dict[str, tuple[Money, Money]]] = {i: {} for i in range(last)}
    owed: dict[int, list[tuple[str, Money, int]]] = {i: [] for i in range(last)}
    for kind, index, who, first, second, claims in read.execute(
        union_all(moved, adjusted, pending)
    ):
        if kind == "moved":
            moved_in[index] = _money(first)
        elif kind == "ratio":
            by_payer[index][who] = (_money(first), _money(second))
        else:
            owed[index].append((who, _money(first), claims))
    found, open_ar = [], _open_now(read, scope)
    for index in range(last, 0, -1):
        # The receivables at the index-1th date: now, less what moved in every later interval.
        open_ar = open_ar - moved_in[index]
        ratios, practice = allowance_ratios(by_payer[index - 1])
        allowance = Money.zero()
        for who, balance_owed, claims in owed[index - 1]:
            share = Money.rounded(balance_owed.amount * ratios.get(who, practice))
            allowance = allowance + share * claims
        found.append(open_ar - allowance)
    return found[::-1]
