"""The A/R as it stands, from the open receivables' sums (``store/open_sums.py``).

Read-only: takes the connection of the open unit of work (``uow.read``). When nothing in the
books is dated after a day (no posting effective after it, no claim first sent after its end:
:func:`settled`), the books at the end of that day are the books as they stand, and the A/R,
its aging, the patient aging and the net A/R read the sums (a few thousand rows) and the
money on no claim instead of every open claim. Each function here answers exactly what the
query it stands in for answers from the claims (``receivables.ar_position``,
``kpi_ledger.receivables_at`` and ``net_ar_series``, ``patient_accounts.patient_aging_summary``,
``receivables.charges_by_payer``); the tests hold them equal on the cycled practices.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import Connection, func, literal, literal_column, or_, select, union_all

from claimdesk.analytics.facts import Scope
from claimdesk.analytics.patient_aging import PatientAgingSummary, largest_of
from claimdesk.analytics.position import (
    BUCKET_NAMES,
    BUCKETS,
    INSURANCE,
    PATIENT,
    ArLine,
)
from claimdesk.analytics.receivables import (
    BILLED_PART,
    LARGEST_PATIENTS,
    OVER_DAYS,
    UNBILLED_PART,
    AgingParts,
    PatientPart,
    allowance_ratios,
    largest,
    revenue_window,
)
from claimdesk.analytics.results import Side
from claimdesk.domain.ledger import Account
from claimdesk.domain.money import Money, total
from claimdesk.store.open_sums import (
    ALLOWANCE,
    PATIENT_AGES,
    PATIENT_OWING,
    PAYER_CHARGES,
    PENDING,
    Sums,
)
from claimdesk.store.open_sums import OPEN_AR as OPEN_SUMS
from claimdesk.store.patient_since import SINCE
from claimdesk.store.queries.ar_parts import aging_bucket
from claimdesk.store.queries.ar_parts import unclaimed_balances as _unclaimed
from claimdesk.store.rollups import ROLLUPS
from claimdesk.store.tables.ledger import LedgerDayRow, LedgerPostingRow
from claimdesk.store.tables.patients import PatientRow

_INSURANCE, _PATIENT = Account.INSURANCE_AR.value, Account.PATIENT_AR.value
_ZERO: Any = literal_column("0")
# The claims booked ahead the sums are read without; a day with more after it (a day long
# past) is summed from the claims.
FUTURE_LIMIT = 2000


def _money(value: Decimal | None) -> Money:
    return Money.zero() if value is None else Money(value)


def _among(claims: tuple[str, ...], column: Any) -> Any:
    return column.in_(claims)


@dataclass(frozen=True, slots=True)
class Settled:
    """Books whose state at the end of ``as_of`` is their state now, but for the ``future``
    claims: claims whose every posting is effective after the day (a visit booked ahead), which
    owed nothing then. Each sum at the day is the table's, less what those claims give."""

    as_of: date
    future: tuple[str, ...]
    dialect: str

    def rows(self, sums: Sums) -> Any:
        """The rows of ``sums`` at the end of the day, as a table or a subquery of its columns."""
        if not self.future:
            return sums.table
        t, keys = sums.table, sums.keys
        among = partial(_among, self.future)
        withdrawn = sums.source(among, self.dialect).subquery("withdrawn")
        moves = union_all(
            select(*(t.c[k] for k in keys), *(t.c[s] for s in sums.summed)),
            select(
                *(withdrawn.c[k] for k in keys),
                *((-withdrawn.c[s]).label(s) for s in sums.summed),
            ),
        ).subquery("moves")
        return (
            select(
                *(moves.c[k] for k in keys),
                *(func.sum(moves.c[s]).label(s) for s in sums.summed),
            )
            .group_by(*(moves.c[k] for k in keys))
            .subquery(t.name)
        )

    def present(self, claim_id: Any) -> Any:
        """A condition on a claim id column: not one of the future claims."""
        return claim_id.not_in(self.future) if self.future else _ZERO == _ZERO


def settled(read: Connection, as_of: date, zone: tzinfo = UTC) -> Settled | None:
    """The books at the end of ``as_of`` read from the sums, when they can be: every claim
    with a posting effective after the day has none on or before it (``Settled.future``), and
    no other claim was first sent after the day's end (in UTC, as the status history is dated,
    or in ``zone``, whichever ends first). None otherwise: the day's A/R is summed from the
    claims, as is a day with more than ``FUTURE_LIMIT`` claims posted after it."""
    days = LedgerDayRow
    accounts = list(
        read.execute(select(days.account).where(days.effective > as_of).distinct()).scalars()
    )
    p = LedgerPostingRow
    later = select(p.claim_id).where(
        p.account.in_(accounts), p.effective > as_of, p.claim_id.is_not(None)
    )
    future: tuple[str, ...] = ()
    if accounts:
        found = {str(c) for c in read.execute(later.distinct().limit(FUTURE_LIMIT + 1)).scalars()}
        if len(found) > FUTURE_LIMIT:
            return None
        future = tuple(sorted(found))
        before = select(p.id).where(p.claim_id.in_(future), p.effective <= as_of).limit(1)
        if future and read.execute(before).first() is not None:
            return None
    following = as_of + timedelta(days=1)
    cutoff = min(
        datetime.combine(following, time(), tzinfo=UTC),
        datetime.combine(following, time(), tzinfo=zone),
    )
    r = ROLLUPS.c
    sent = select(r.claim_id).where(r.submitted_at >= cutoff)
    if future:
        sent = sent.where(r.claim_id.not_in(future))
    if read.execute(sent.limit(1)).first() is not None:
        return None
    return Settled(as_of, future, read.dialect.name)


def _open_groups(read: Connection, at: Settled, payer_id: str | None = None) -> list[Any]:
    """The open claims' sums by payer, aging bucket, billed, and whether past ``OVER_DAYS``."""
    s = at.rows(OPEN_SUMS).c
    bucket = aging_bucket(s.date_of_service, at.as_of).label("bucket")
    over = (s.date_of_service < at.as_of - timedelta(days=OVER_DAYS)).label("over")
    query = select(
        s.payer_id,
        bucket,
        s.billed,
        over,
        func.sum(s.insurance).label("insurance"),
        func.sum(s.patient).label("patient"),
        func.sum(s.insurance_claims).label("insurance_claims"),
        func.sum(s.patient_claims).label("patient_claims"),
        func.sum(s.claims).label("claims"),
    ).where(s.claims != _ZERO)
    if payer_id is not None:
        query = query.where(s.payer_id == payer_id)
    return list(read.execute(query.group_by(s.payer_id, bucket, s.billed, over)))


def claim_lines(read: Connection, at: Settled, payer_id: str | None) -> list[ArLine]:
    """``receivables._claim_lines`` of settled books: the claims' A/R by receivable, billing
    state, payer and bucket (patient A/R is billed by statement)."""
    totals: dict[tuple[str, bool, str, str], tuple[Money, int]] = {}
    for row in _open_groups(read, at, payer_id):
        for receivable, amount, claims, billed in (
            (INSURANCE, row.insurance, row.insurance_claims, bool(row.billed)),
            (PATIENT, row.patient, row.patient_claims, True),
        ):
            if not claims:
                continue
            key = (receivable, billed, row.payer_id, row.bucket)
            summed, count = totals.get(key, (Money.zero(), 0))
            totals[key] = (summed + _money(amount), count + int(claims))
    return [
        ArLine(receivable, billed, payer, bucket, amount, count)
        for (receivable, billed, payer, bucket), (amount, count) in totals.items()
    ]


def _unclaimed_balances(as_of: date) -> Any:
    found = _unclaimed(as_of, Scope())
    assert found is not None, "the whole practice's scope covers the money on no claim"
    return found


def _loose_rows(read: Connection, as_of: date) -> list[Any]:
    """Receivable money on no claim at the end of ``as_of`` by account, payer, patient, day."""
    return list(read.execute(_unclaimed_balances(as_of)))


def _bucket_of(day: date, as_of: date) -> str:
    for name, _low, high in BUCKETS:
        if high is None or day >= as_of - timedelta(days=high):
            return name
    return BUCKET_NAMES[-1]


class _Side:
    def __init__(self) -> None:
        self.claims, self.amount, self.rows = 0, Money.zero(), 0

    def add(self, claims: int, amount: Money, rows: int) -> None:
        self.claims += int(claims)
        self.amount = self.amount + amount
        self.rows += int(rows)

    def side(self) -> Side:
        return Side(self.claims, self.amount, self.rows)


def receivables(
    read: Connection, at: Settled
) -> tuple[tuple[Side, Side, Side], AgingParts, PatientPart]:
    """``kpi_ledger.receivables_at`` of settled books, for the whole practice."""
    as_of = at.as_of
    whole, aged, billed = _Side(), _Side(), _Side()
    parts: AgingParts = {BILLED_PART: {}, UNBILLED_PART: {}}
    buckets = {name: Money.zero() for name in BUCKET_NAMES}

    def add_part(part: str, who: str, bucket: str, amount: Money) -> None:
        target = parts[part].setdefault(who, {})
        target[bucket] = target.get(bucket, Money.zero()) + amount

    for row in _open_groups(read, at):
        insurance, patient = _money(row.insurance), _money(row.patient)
        rows = row.insurance_claims + row.patient_claims
        whole.add(row.claims, insurance + patient, rows)
        # Patient balances are billed by statement; insurance once the claim went out.
        if row.billed:
            sent = (row.claims, insurance + patient, rows)
        else:
            sent = (row.patient_claims, patient, row.patient_claims)
        billed.add(*sent)
        if row.over:
            aged.add(*sent)
        if row.insurance_claims:
            add_part(
                BILLED_PART if row.billed else UNBILLED_PART, row.payer_id, row.bucket, insurance
            )
        if row.patient_claims:
            buckets[row.bucket] = buckets[row.bucket] + patient
    loose = _loose_rows(read, as_of)
    owed_loose: dict[str, Money] = {}
    for b in loose:
        amount, bucket = Money(b.amount), _bucket_of(b.dated, as_of)
        whole.add(0, amount, 1)
        billed.add(0, amount, 1)
        if b.dated < as_of - timedelta(days=OVER_DAYS):
            aged.add(0, amount, 1)
        if b.account == _PATIENT:
            buckets[bucket] = buckets[bucket] + amount
            owed_loose[b.patient_account] = owed_loose.get(b.patient_account, Money.zero()) + amount
        else:
            add_part(BILLED_PART, b.payer_id, bucket, amount)
    owing = _Owing(read, at, "claims", owed_loose)
    top = largest(
        _claim_buckets(read, at, owing.candidates(LARGEST_PATIENTS), loose), LARGEST_PATIENTS
    )
    return (
        (whole.side(), aged.side(), billed.side()),
        parts,
        PatientPart(buckets, owing.count(), top),
    )


class _Owing:
    """The patients who owe, by their claims (``counted``: "claims") or their visits
    ("visits"), with the patients whose money on no claim (``loose``) owes too."""

    def __init__(self, read: Connection, at: Settled, counted: str, loose: dict[str, Money]):
        self.read, self.loose = read, loose
        self.rows = at.rows(PATIENT_OWING)
        self.counted = self.rows.c[counted] != _ZERO

    def count(self, *, with_loose: bool = True) -> int:
        """How many patients owe (those owing only money on no claim too, ``with_loose``)."""
        o = self.rows.c
        found = self.read.execute(
            select(func.count()).select_from(self.rows).where(self.counted)
        ).scalar_one()
        if not self.loose or not with_loose:
            return int(found)
        kept = select(o.patient_account).where(
            self.counted, o.patient_account.in_(sorted(self.loose))
        )
        known = {str(who) for who in self.read.execute(kept).scalars()}
        return int(found) + len(set(self.loose) - known)

    def amounts(self, patients: Sequence[str], *, with_loose: bool = True) -> dict[str, Money]:
        """What each of ``patients`` who owe owes: their claims' (or visits') balances, and
        their money on no claim ``with_loose``."""
        o = self.rows.c
        query = select(o.patient_account, o.amount).where(
            self.counted, o.patient_account.in_(patients)
        )
        found = {str(who): _money(amount) for who, amount in self.read.execute(query)}
        for who in patients if with_loose else ():
            if who in self.loose:
                found[who] = found.get(who, Money.zero()) + self.loose[who]
        return found

    def candidates(self, count: int) -> list[str]:
        """The patients who may be among the ``count`` largest: the largest by their claims'
        balances, and every patient with money on no claim (which changes their total)."""
        o = self.rows.c
        query = (
            select(o.patient_account)
            .where(self.counted)
            .order_by(o.amount.desc(), o.patient_account)
            .limit(count + len(self.loose))
        )
        return sorted({*self.read.execute(query).scalars(), *self.loose})


def _claim_buckets(
    read: Connection, at: Settled, patients: Sequence[str], loose: Iterable[Any]
) -> dict[str, dict[str, Money]]:
    """The patients' patient A/R by bucket of the date of service (money on no claim by the day
    it was posted)."""
    r = ROLLUPS.c
    bucket = aging_bucket(r.date_of_service, at.as_of).label("bucket")
    query = (
        select(r.patient_account, bucket, func.sum(r.patient_ar))
        .where(r.patient_ar != _ZERO, r.patient_account.in_(patients), at.present(r.claim_id))
        .group_by(r.patient_account, bucket)
    )
    found: dict[str, dict[str, Money]] = {p: {} for p in patients}
    rows = [(who, name, _money(amount)) for who, name, amount in read.execute(query)]
    rows += [
        (b.patient_account, _bucket_of(b.dated, at.as_of), Money(b.amount))
        for b in loose
        if b.account == _PATIENT
    ]
    for who, name, amount in rows:
        if who in found:
            found[who][name] = found[who].get(name, Money.zero()) + amount
    return {who: buckets for who, buckets in found.items() if buckets}


def net_ar(read: Connection, at: Settled) -> Money:
    """``kpi_ledger.net_ar_series`` at one settled day, for the whole practice: the open A/R
    less the allowance for the claims pending at their payer's ratio of the 90 days to it."""
    s = at.rows(OPEN_SUMS).c
    open_ar = _money(read.execute(select(func.sum(s.insurance + s.patient))).scalar())
    open_ar = open_ar + total(Money(b.amount) for b in _loose_rows(read, at.as_of))
    a = at.rows(ALLOWANCE).c
    window = revenue_window(at.as_of)
    by_payer = {
        payer: (_money(adjusted), _money(charged))
        for payer, adjusted, charged in read.execute(
            select(a.payer_id, func.sum(a.adjusted), func.sum(a.charged))
            .where(a.adjusted_on >= window.start, a.claims != _ZERO)
            .group_by(a.payer_id)
        )
    }
    ratios, practice = allowance_ratios(by_payer)
    allowance = Money.zero()
    p = at.rows(PENDING).c
    for payer, balance, claims in read.execute(
        select(p.payer_id, p.balance, p.claims).where(p.claims != _ZERO)
    ):
        share = Money.rounded(Money(balance).amount * ratios.get(payer, practice))
        allowance = allowance + share * int(claims)
    return open_ar - allowance


def charges_by_payer(read: Connection, at: Settled) -> dict[str, Money]:
    """``receivables.charges_by_payer`` of settled books: each payer's claims' gross charges,
    and the charges on no claim by the posting's payer."""
    c, p = at.rows(PAYER_CHARGES).c, LedgerPostingRow
    found = {
        payer: -_money(charges)
        for payer, charges in read.execute(select(c.payer_id, c.charges).where(c.claims != _ZERO))
    }
    payer = func.coalesce(p.payer_id, literal(""))
    loose = (
        select(payer, func.sum(p.amount))
        .where(
            p.claim_id.is_(None),
            p.account == Account.GROSS_CHARGES.value,
            p.effective <= at.as_of,
        )
        .group_by(payer)
    )
    for who, amount in read.execute(loose):
        found[who] = found.get(who, Money.zero()) - _money(amount)
    return found


def _guarantors(
    read: Connection, at: Settled, owing: _Owing, largest_count: int
) -> tuple[int, dict[str, list[str]]]:
    """How many guarantors answer for a patient who owes, and the patients of the
    ``largest_count`` owing the most (``kpi_ledger.largest_keys``' order). A patient with no
    guarantor answers for themself; only the patients another answers for are grouped (by
    index on their guarantor), so the cost follows them, not every patient who owes.
    Patients with money on no claim (a few) are added one by one."""
    o, pat = owing.rows.c, PatientRow
    guarantor = pat.guarantor_account
    joined = owing.rows.join(PatientRow, pat.account == o.patient_account)
    answering = select(guarantor).where(guarantor.is_not(None))
    # Per guarantor who answers for another: their patients' balances, and their own.
    keyed = union_all(
        select(guarantor.label("key"), o.amount.label("amount"))
        .select_from(joined)
        .where(owing.counted, guarantor.is_not(None)),
        select(pat.account, o.amount)
        .select_from(joined)
        .where(owing.counted, guarantor.is_(None), pat.account.in_(answering)),
    ).subquery("keyed")
    per = (
        select(keyed.c.key, func.sum(keyed.c.amount).label("total"), func.count().label("rows"))
        .group_by(keyed.c.key)
        .subquery("per")
    )
    # The largest guarantors of another, with how many there are and the patients they cover,
    # in one pass.
    totals: dict[str, Money] = {}
    top = select(
        per.c.key,
        per.c.total,
        func.count().over().label("keys"),
        func.sum(per.c.rows).over().label("rows"),
    ).order_by(per.c.total.desc(), per.c.key)
    found = list(read.execute(top.limit(largest_count)))
    totals = {str(key): _money(amount) for key, amount, _keys, _rows in found}
    keys, rows = (found[0][2], found[0][3]) if found else (0, 0)
    # Those who answer for themselves only, and every guarantor of another.
    count = owing.count(with_loose=False) - int(rows or 0) + int(keys)
    totals.update(_owing_alone(read, owing, largest_count))
    count += _add_loose(read, per, owing, totals)
    ranked = sorted(totals, key=lambda key: (-totals[key].amount, key))[:largest_count]
    answered = select(pat.account, func.coalesce(guarantor, pat.account)).where(
        or_(pat.account.in_(ranked), guarantor.in_(ranked))
    )
    members: dict[str, list[str]] = {key: [] for key in ranked}
    for who, key in read.execute(answered):
        if key in members:
            members[key].append(who)
    return count, members


def _owing_alone(read: Connection, owing: _Owing, count: int) -> dict[str, Money]:
    """The ``count`` largest balances of patients who answer for themselves only, walking the
    balances from the largest (by index) and skipping the patients of a guarantor."""
    o, pat = owing.rows.c, PatientRow
    found: dict[str, Money] = {}
    seen = 0
    while len(found) < count:
        page = list(
            read.execute(
                select(o.patient_account, o.amount)
                .where(owing.counted)
                .order_by(o.amount.desc(), o.patient_account)
                .offset(seen)
                .limit(count * 4)
            )
        )
        if not page:
            break
        seen += len(page)
        accounts = [str(who) for who, _amount in page]
        answering = select(pat.guarantor_account).where(pat.guarantor_account.in_(accounts))
        others = {
            *read.execute(
                select(pat.account).where(
                    pat.account.in_(accounts), pat.guarantor_account.is_not(None)
                )
            ).scalars(),
            *read.execute(answering).scalars(),
        }
        for who, amount in page:
            if who not in others and len(found) < count:
                found[str(who)] = _money(amount)
    return found


def _add_loose(read: Connection, per: Any, owing: _Owing, totals: dict[str, Money]) -> int:
    """Add the patients' money on no claim to their guarantors' ``totals`` (each guarantor
    whose total it changes is summed whole); how many guarantors owe only through it."""
    if not owing.loose:
        return 0
    pat = PatientRow
    key_of = dict(
        read.execute(
            select(pat.account, func.coalesce(pat.guarantor_account, pat.account)).where(
                pat.account.in_(sorted(owing.loose))
            )
        ).all()
    )
    keys = sorted(set(key_of.values()))
    kept: dict[str, Any] = dict(
        read.execute(select(per.c.key, per.c.total).where(per.c.key.in_(keys))).all()
    )
    alone = owing.amounts([k for k in keys if k not in kept], with_loose=False)
    added = 0
    for key in keys:
        if key in kept:
            base = _money(kept[key])
        elif key in alone:
            base = alone[key]
        else:
            base, added = Money.zero(), added + 1
        loose = total(owing.loose[p] for p, k in key_of.items() if k == key)
        totals[key] = base + loose
    return added


def _visit_buckets(
    read: Connection, at: Settled, patients: Sequence[str], loose: Iterable[Any]
) -> dict[str, dict[str, Money]]:
    """The patients' visits' balances by bucket of the day their money first reached the
    patient (``patient_accounts._rolled_up_balances``), and their money on no claim."""
    r, s = ROLLUPS.c, SINCE.c
    visits = (
        select(
            s.patient_account,
            func.min(s.since).label("since"),
            func.sum(r.patient_ar).label("amount"),
        )
        .join(ROLLUPS, r.claim_id == s.claim_id)
        .where(s.patient_account.in_(patients), at.present(s.claim_id))
        .group_by(s.encounter_id, s.patient_account)
        .having(func.sum(r.patient_ar) != _ZERO)
    )
    found: dict[str, dict[str, Money]] = {p: {} for p in patients}
    rows = [(who, since, Money(amount)) for who, since, amount in read.execute(visits)]
    rows += [(b.patient_account, b.dated, Money(b.amount)) for b in loose]
    for who, since, amount in rows:
        if who in found:
            target, name = found[who], _bucket_of(since, at.as_of)
            target[name] = target.get(name, Money.zero()) + amount
    # Every bucket of each patient who owes, as the patient aging's tables show them.
    return {
        who: {name: buckets.get(name, Money.zero()) for name in BUCKET_NAMES}
        for who, buckets in found.items()
        if buckets
    }


def patient_aging(read: Connection, at: Settled, largest_count: int) -> PatientAgingSummary:
    """``patient_accounts.patient_aging_summary`` of settled books: visits' balances aged from
    the day their money first reached the patient, and the money on no claim from its day."""
    a = at.rows(PATIENT_AGES).c
    bucket = aging_bucket(a.since, at.as_of).label("bucket")
    by_bucket = {name: Money.zero() for name in BUCKET_NAMES}
    for name, amount in read.execute(
        select(bucket, func.sum(a.amount)).where(a.visits != _ZERO).group_by(bucket)
    ):
        by_bucket[name] = _money(amount)
    loose = [b for b in _loose_rows(read, at.as_of) if b.account == _PATIENT]
    owed_loose: dict[str, Money] = {}
    for b in loose:
        name = _bucket_of(b.dated, at.as_of)
        by_bucket[name] = by_bucket[name] + Money(b.amount)
        owed_loose[b.patient_account] = owed_loose.get(b.patient_account, Money.zero()) + Money(
            b.amount
        )
    owing = _Owing(read, at, "visits", owed_loose)
    patients = _visit_buckets(read, at, owing.candidates(largest_count), loose)
    guarantors, top = _guarantors(read, at, owing, largest_count)
    owed = _visit_buckets(read, at, sorted({m for group in top.values() for m in group}), loose)
    by_guarantor: dict[str, dict[str, Money]] = {}
    for key, group in top.items():
        target = by_guarantor.setdefault(key, {name: Money.zero() for name in BUCKET_NAMES})
        for who in group:
            for name, amount in owed.get(who, {}).items():
                target[name] = target[name] + amount
    return PatientAgingSummary(
        as_of=at.as_of,
        by_bucket=by_bucket,
        accounts=owing.count(),
        guarantors=guarantors,
        largest_accounts=_largest_rows(patients, largest_count),
        largest_guarantors=_largest_rows(by_guarantor, largest_count),
    )


def _largest_rows(by_key: dict[str, dict[str, Money]], count: int) -> Any:
    return largest_of(((k, b, total(b.values())) for k, b in by_key.items()), count)
