"""Patients' money as of a day: the postings of every visit that ever reached a patient's A/R,
the visits' facts, who answers for each patient, and patient A/R by age.

Read-only: takes the connection of the open unit of work (``uow.read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    func,
    literal,
    literal_column,
    select,
    type_coerce,
    union,
    union_all,
)
from sqlalchemy.orm import aliased

from claimdesk.analytics.patient_aging import (
    LARGEST,
    PatientAgingSummary,
    Row,
    largest_of,
)
from claimdesk.analytics.position import BUCKET_NAMES
from claimdesk.domain.ledger import Account, EntryKind
from claimdesk.domain.money import Money, total
from claimdesk.domain.statements import Party, PatientPosting, VisitFacts
from claimdesk.store.patient_since import SINCE
from claimdesk.store.queries import settled_ar
from claimdesk.store.queries.ar_parts import aging_bucket
from claimdesk.store.queries.kpi_ledger import largest_keys, owing_by
from claimdesk.store.rollups import ROLLUPS
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.encounters import EncounterRow, ServiceLineRow
from claimdesk.store.tables.ledger import LedgerEntryRow, LedgerPostingRow
from claimdesk.store.tables.patients import GuarantorRow, PatientRow
from claimdesk.store.tables.reference import ProviderRow
from claimdesk.store.types import money_type


def _patient_encounters(as_of: date) -> Select[str]:
    """The encounters whose claims had a posting on patient A/R by ``as_of``."""
    p, e = LedgerPostingRow, LedgerEntryRow
    return (
        select(ClaimRow.encounter_id)
        .join(p, p.claim_id == ClaimRow.claim_id)
        .join(e, e.entry_id == p.entry_id)
        .where(p.account == Account.PATIENT_AR.value, e.effective <= as_of)
        .distinct()
    )


def patient_postings(connection: Connection, as_of: date) -> list[PatientPosting]:
    """Every posting effective on or before ``as_of`` on a visit that reached a patient's A/R
    (all its claims: the primary's and the secondary's), and the patient A/R postings on no
    claim. A reversal carries the kind and memo of the entry it reverses."""
    p, e = LedgerPostingRow, LedgerEntryRow
    original = aliased(LedgerEntryRow)
    kind = func.coalesce(original.kind, e.kind)
    memo = func.coalesce(original.memo, e.memo)
    columns = (
        ClaimRow.encounter_id,
        p.patient_account,
        p.account,
        p.amount,
        kind.label("kind"),
        memo.label("memo"),
        e.effective,
    )
    on_visits = (
        select(*columns)
        .join(e, e.entry_id == p.entry_id)
        .outerjoin(original, original.entry_id == e.reverses)
        .join(ClaimRow, ClaimRow.claim_id == p.claim_id)
        .where(
            e.effective <= as_of,
            ClaimRow.encounter_id.in_(_patient_encounters(as_of)),
        )
    )
    loose = (
        select(*columns)
        .join(e, e.entry_id == p.entry_id)
        .outerjoin(original, original.entry_id == e.reverses)
        .outerjoin(ClaimRow, ClaimRow.claim_id == p.claim_id)
        .where(
            e.effective <= as_of,
            p.claim_id.is_(None),
            p.account == Account.PATIENT_AR.value,
        )
    )
    found: list[PatientPosting] = []
    for query in (on_visits, loose):
        for row in connection.execute(query.order_by(p.id)):
            found.append(
                PatientPosting(
                    encounter_id=row.encounter_id,
                    patient_account=row.patient_account,
                    account=row.account,
                    amount=Money(row.amount),
                    kind=row.kind,
                    memo=row.memo or "",
                    effective=row.effective,
                )
            )
    return found


def visit_facts(connection: Connection, encounter_ids: Sequence[str]) -> list[VisitFacts]:
    """Date, patient, rendering provider and procedure codes of each visit."""
    if not encounter_ids:
        return []
    enc, pat, prov = EncounterRow, PatientRow, ProviderRow
    query = (
        select(
            enc.encounter_id,
            enc.patient_account,
            enc.date_of_service,
            pat.first_name,
            pat.last_name,
            prov.name.label("provider_name"),
            prov.first_name.label("provider_first"),
        )
        .join(pat, pat.account == enc.patient_account)
        .join(prov, prov.npi == enc.rendering_npi)
        .where(enc.encounter_id.in_(sorted(set(encounter_ids))))
    )
    codes: dict[str, list[str]] = {}
    lines = (
        select(ServiceLineRow.encounter_id, ServiceLineRow.procedure_code)
        .where(ServiceLineRow.encounter_id.in_(sorted(set(encounter_ids))))
        .order_by(ServiceLineRow.encounter_id, ServiceLineRow.line_number)
    )
    for encounter_id, code in connection.execute(lines):
        codes.setdefault(encounter_id, []).append(code)
    return [
        VisitFacts(
            encounter_id=row.encounter_id,
            patient_account=row.patient_account,
            patient_name=f"{row.first_name} {row.last_name}",
            date_of_service=row.date_of_service,
            provider=" ".join(x for x in (row.provider_first, row.provider_name) if x),
            services=tuple(codes.get(row.encounter_id, ())),
        )
        for row in connection.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class Responsible:
    """Who answers for one patient's balance: the account a statement goes to."""

    patient_account: str
    party: Party


def _lines(line1: str, line2: str, city: str, state: str, postal: str) -> tuple[str, ...]:
    zip_code = f"{postal[:5]}-{postal[5:]}" if len(postal) == 9 else postal
    return tuple(x for x in (line1, line2, f"{city}, {state} {zip_code}") if x)


def responsible_parties(connection: Connection) -> dict[str, Responsible]:
    """Per patient account, the guarantor's account and address, or the patient's own when the
    patient has no guarantor."""
    pat, g = PatientRow, GuarantorRow
    query = select(
        pat.account,
        pat.first_name,
        pat.last_name,
        pat.address_line1,
        pat.address_line2,
        pat.city,
        pat.state,
        pat.postal_code,
        g.account.label("g_account"),
        g.first_name.label("g_first"),
        g.last_name.label("g_last"),
        g.address_line1.label("g_line1"),
        g.address_line2.label("g_line2"),
        g.city.label("g_city"),
        g.state.label("g_state"),
        g.postal_code.label("g_postal"),
    ).outerjoin(g, g.account == pat.guarantor_account)
    found: dict[str, Responsible] = {}
    for row in connection.execute(query):
        if row.g_account is not None:
            party = Party(
                row.g_account,
                f"{row.g_first} {row.g_last}",
                _lines(row.g_line1, row.g_line2, row.g_city, row.g_state, row.g_postal),
            )
        else:
            party = Party(
                row.account,
                f"{row.first_name} {row.last_name}",
                _lines(row.address_line1, row.address_line2, row.city, row.state, row.postal_code),
            )
        found[row.account] = Responsible(row.account, party)
    return found


@dataclass(frozen=True, slots=True)
class PatientBalance:
    """Open patient A/R of one visit (or of patient money on no visit, per day), dated the day
    it became the patient's: the first posting on patient A/R."""

    encounter_id: str
    patient_account: str
    since: date
    amount: Money


_ZERO: Any = literal_column("0")


def _open_visits(as_of: date) -> Select[Any]:
    """The encounters that can owe at the end of ``as_of``: those with a claim whose patient
    A/R is not zero now (its rollup, found by the open-balance index) or moved after
    ``as_of``. A visit of neither owed at ``as_of`` what it owes now: nothing."""
    p, r = LedgerPostingRow, ROLLUPS.c
    owing = union(
        select(r.claim_id).where(r.patient_ar != _ZERO),
        select(p.claim_id).where(p.account == Account.PATIENT_AR.value, p.effective > as_of),
    ).subquery("owing")
    return select(ClaimRow.encounter_id).join(owing, owing.c.claim_id == ClaimRow.claim_id)


def _loose(as_of: date) -> Any:
    """Patient money on no claim at the end of ``as_of``, per patient and the day it was
    posted (from which it is aged)."""
    p = LedgerPostingRow
    return (
        select(
            literal("").label("encounter_id"),
            p.patient_account,
            p.effective.label("since"),
            type_coerce(func.sum(p.amount), money_type()).label("amount"),
        )
        .where(
            p.account == Account.PATIENT_AR.value,
            p.claim_id.is_(None),
            p.effective <= as_of,
        )
        .group_by(p.patient_account, p.effective)
        .having(func.sum(p.amount) != _ZERO)
    )


def _balances(as_of: date) -> Any:
    """Every non-zero patient A/R balance at the end of ``as_of`` (``patient_balances``), as a
    subquery of (encounter_id, patient_account, since, amount), summed from the postings."""
    p, e = LedgerPostingRow, LedgerEntryRow
    on_visits = (
        select(
            ClaimRow.encounter_id,
            p.patient_account,
            func.min(e.effective).label("since"),
            type_coerce(func.sum(p.amount), money_type()).label("amount"),
        )
        .join(e, e.entry_id == p.entry_id)
        .join(ClaimRow, ClaimRow.claim_id == p.claim_id)
        .where(
            p.account == Account.PATIENT_AR.value,
            e.effective <= as_of,
            ClaimRow.encounter_id.in_(_open_visits(as_of)),
        )
        .group_by(ClaimRow.encounter_id, p.patient_account)
        .having(func.sum(p.amount) != _ZERO)
    )
    return union_all(on_visits, _loose(as_of)).subquery("balances")


def _rolled_up_balances(as_of: date) -> Any:
    """The balances of :func:`_balances` from the rollups instead of the postings: each claim's
    patient A/R now (its rollup, the open ones by index) less its postings after ``as_of``,
    summed per visit, dated from the earliest first day on patient A/R (``patient_since``)
    of the visit's claims by ``as_of``. The cost follows the open claims."""
    p, r, s = LedgerPostingRow, ROLLUPS.c, SINCE.c
    moves = union_all(
        select(r.claim_id, r.patient_ar.label("amount")).where(r.patient_ar != _ZERO),
        select(p.claim_id, (-p.amount).label("amount")).where(
            p.account == Account.PATIENT_AR.value,
            p.claim_id.is_not(None),
            p.effective > as_of,
        ),
    ).subquery("moves")
    visits = (
        select(
            s.encounter_id,
            s.patient_account,
            type_coerce(func.sum(moves.c.amount), money_type()).label("amount"),
        )
        .join(SINCE, s.claim_id == moves.c.claim_id)
        .group_by(s.encounter_id, s.patient_account)
        .having(func.sum(moves.c.amount) != _ZERO)
        .subquery("visits")
    )
    first = aliased(SINCE, name="first")
    on_visits = (
        select(
            visits.c.encounter_id,
            visits.c.patient_account,
            func.min(first.c.since).label("since"),
            type_coerce(func.min(visits.c.amount), money_type()).label("amount"),
        )
        .join(first, first.c.encounter_id == visits.c.encounter_id)
        .where(first.c.since <= as_of)
        .group_by(visits.c.encounter_id, visits.c.patient_account)
    )
    return union_all(on_visits, _loose(as_of)).subquery("balances")


def patient_balances(connection: Connection, as_of: date) -> list[PatientBalance]:
    """Every non-zero patient A/R balance at the end of ``as_of``: per visit, or per patient
    and day for money on no claim. They sum to the ledger's patient A/R on that day."""
    b = _balances(as_of)
    return [
        PatientBalance(row.encounter_id, row.patient_account, row.since, Money(row.amount))
        for row in connection.execute(select(b))
    ]


def patient_aging_summary(
    connection: Connection, as_of: date, largest: int = LARGEST
) -> PatientAgingSummary:
    """``PatientAging.summary`` of the balances at the end of ``as_of``, summed by the
    database: the buckets, how many patients and guarantors owe, and the ``largest`` of each
    with their buckets. The cost follows the open claims; no row per patient leaves it. Settled
    books (``settled_ar.settled``) read the open receivables' sums instead."""
    settled = settled_ar.settled(connection, as_of)
    if settled is not None:
        return settled_ar.patient_aging(connection, settled, largest)
    b = _rolled_up_balances(as_of)
    pat, g = PatientRow, GuarantorRow
    aged = (
        select(
            b.c.patient_account.label("patient"),
            func.coalesce(g.account, b.c.patient_account).label("guarantor"),
            aging_bucket(b.c.since, as_of).label("bucket"),
            b.c.amount,
        )
        .join(pat, pat.account == b.c.patient_account)
        .outerjoin(g, g.account == pat.guarantor_account)
        .cte("aged")
    )
    found: list[Any] = [_by_bucket(aged)]
    for key in (aged.c.patient, aged.c.guarantor):
        owing = owing_by(key, aged.c.amount)
        found.append(
            select(
                literal(f"count {key.name}").label("part"),
                literal("").label("key"),
                literal("").label("bucket"),
                type_coerce(_ZERO, money_type()).label("amount"),
                func.count().label("n"),
            ).select_from(owing)
        )
        found.append(
            select(
                literal(key.name).label("part"),
                key.label("key"),
                aged.c.bucket,
                type_coerce(func.sum(aged.c.amount), money_type()),
                _ZERO,
            )
            .where(key.in_(largest_keys(owing, largest)))
            .group_by(key, aged.c.bucket)
        )
    by_bucket = {name: Money.zero() for name in BUCKET_NAMES}
    counts: dict[str, int] = {}
    rows: dict[str, dict[str, dict[str, Money]]] = {"patient": {}, "guarantor": {}}
    for part, key, bucket, amount, n in connection.execute(union_all(*found)):
        if part == "bucket":
            by_bucket[bucket] = Money(amount)
        elif part.startswith("count "):
            counts[part.removeprefix("count ")] = n
        else:
            buckets = rows[part].setdefault(key, {n: Money.zero() for n in BUCKET_NAMES})
            buckets[bucket] = Money(amount)

    def largest_rows(part: str) -> tuple[Row, ...]:
        return largest_of(((key, b, total(b.values())) for key, b in rows[part].items()), largest)

    return PatientAgingSummary(
        as_of=as_of,
        by_bucket=by_bucket,
        accounts=counts["patient"],
        guarantors=counts["guarantor"],
        largest_accounts=largest_rows("patient"),
        largest_guarantors=largest_rows("guarantor"),
    )


def _by_bucket(aged: Any) -> Select[Any]:
    return select(
        literal("bucket").label("part"),
        literal("").label("key"),
        aged.c.bucket,
        type_coerce(func.sum(aged.c.amount), money_type()).label("amount"),
        _ZERO.label("n"),
    ).group_by(aged.c.bucket)


def patient_payments(connection: Connection, patients: Sequence[str]) -> list[tuple[date, Money]]:
    """The patients' payments (a reversed payment negative, a refund too), by day."""
    if not patients:
        return []
    p, e = LedgerPostingRow, LedgerEntryRow
    original = aliased(LedgerEntryRow)
    kind = func.coalesce(original.kind, e.kind)
    query = (
        select(e.effective, func.sum(p.amount))
        .join(e, e.entry_id == p.entry_id)
        .outerjoin(original, original.entry_id == e.reverses)
        .where(
            p.account == Account.PATIENT_AR.value,
            p.patient_account.in_(sorted(set(patients))),
            kind.in_([EntryKind.PATIENT_PAYMENT.value, EntryKind.REFUND.value]),
        )
        .group_by(e.effective)
        .order_by(e.effective)
    )
    return [(day, -Money(amount)) for day, amount in connection.execute(query) if amount]


def patient_receivable(connection: Connection, as_of: date) -> Money:
    """The ledger's patient A/R at the end of ``as_of``: every posting on it, summed."""
    p, e = LedgerPostingRow, LedgerEntryRow
    query = (
        select(func.sum(p.amount))
        .join(e, e.entry_id == p.entry_id)
        .where(p.account == Account.PATIENT_AR.value, e.effective <= as_of)
    )
    found = connection.execute(query).scalar()
    return Money.zero() if found is None else Money(found)
