"""The per-claim KPI rollup (``claim_rollups``): one SQL definition, used three ways.

The same ``SELECT`` computes a claim's row from the status history, the claim payments and the
ledger postings; it fills the table for every claim (the migration's backfill,
:func:`rebuild`), refreshes the rows of the claims a write touched, in that write's transaction
(:func:`refresh`, called by the repositories), and is what ``books verify`` compares the stored
rows with (:func:`drifted`). A row is therefore never maintained by arithmetic on the old row,
and cannot drift from the books by the order writes come in (a payment dated before the one
stored as first, a reversal, a held payment dropped).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Date,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    delete,
    event,
    false,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import Session

from claimdesk.domain.claims import ClaimStatus
from claimdesk.domain.ledger import Account
from claimdesk.store import first_adjustments, open_sums, patient_since
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claim_rollups import ClaimRollupRow
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow
from claimdesk.store.tables.encounters import EncounterRow, ServiceLineRow
from claimdesk.store.tables.ledger import LedgerPostingRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemittanceRow
from claimdesk.store.types import money_type

ROLLUPS = table_of(ClaimRollupRow)
HELD_PAYMENT, REVERSED_PAYMENT = "held", "reversed"  # claim_payments.status
REVERSAL_CLP_STATUS = "22"  # CLP02 = 22: reversal of a previous payment
ADJUDICATED = (
    ClaimStatus.PAID.value,
    ClaimStatus.PARTIALLY_PAID.value,
    ClaimStatus.DENIED.value,
)
ENTERED = (ClaimStatus.HELD.value, ClaimStatus.SUBMITTED.value)
TOUCHED = (ClaimStatus.HELD.value, ClaimStatus.REJECTED.value)
LEDGER_COLUMNS = {
    "insurance_ar": Account.INSURANCE_AR.value,
    "patient_ar": Account.PATIENT_AR.value,
    "contractual": Account.CONTRACTUAL.value,
    "gross_charges": Account.GROSS_CHARGES.value,
}
CHUNK = 5000  # claims refreshed per statement on PostgreSQL (one array parameter)
SQLITE_CHUNK = 500  # and on SQLite, whose IN lists bind each claim (9 lists per statement)
_PENDING = "claim_rollups_pending"


CLAIMS_PARAMETER = "rollup_claims"


def _limit_on(connection: Connection, column: Any, *, claims: Sequence[str] | None) -> Any:
    """``column`` among ``claims`` (any claim when None), as one named parameter whose value a
    statement built once can be given again (``refresh``). PostgreSQL takes the list as one
    array: the statement stays short however many claims it names."""
    if claims is None:
        return true()
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam(CLAIMS_PARAMETER, list(claims), type_=ARRAY(String())))
    return column.in_(bindparam(CLAIMS_PARAMETER, list(claims), expanding=True))


def paid_on(connection: Connection) -> Any:
    """A payment's date: BPR16, else the UTC day its remittance was posted."""
    posted = RemittanceRow.posted_at
    if connection.dialect.name == "postgresql":
        day: Any = func.cast(func.timezone("UTC", posted), Date)
    else:
        day = type_coerce(func.date(posted), Date)
    return func.coalesce(RemittanceRow.payment_date, day)


def _first_seq(statuses: Sequence[str]) -> Any:
    h = ClaimStatusRow
    return func.min(case((h.to_status.in_(statuses), h.seq), else_=null()))


def _before(seq: Any, adjudicated: Any) -> Any:
    """Whether a status came at ``seq`` before the first adjudicated status (or ever, if none)."""
    return case(
        (and_(seq.is_not(None), or_(adjudicated.is_(None), seq < adjudicated)), true()),
        else_=false(),
    )


def _payments(connection: Connection, claims: Sequence[str] | None, *, paying: bool) -> Any:
    """Each claim's first non-reversal payment not held (``paying``: with CLP04 > 0)."""
    cp = ClaimPaymentRow
    day = paid_on(connection)
    order = func.row_number().over(partition_by=cp.claim_id, order_by=(day, cp.id))
    conditions = [
        cp.claim_id.is_not(None),
        cp.status != HELD_PAYMENT,
        cp.clp_status != REVERSAL_CLP_STATUS,
        _limit_on(connection, cp.claim_id, claims=claims),
    ]
    if paying:
        conditions.append(cp.paid > literal_column("0"))
    ranked = (
        select(
            cp.claim_id,
            cp.id,
            day.label("paid_on"),
            cp.clp_status,
            cp.charge,
            cp.paid,
            cp.denied,
            cp.shortfall,
            order.label("rank"),
        )
        .join(RemittanceRow, RemittanceRow.remittance_id == cp.remittance_id)
        .where(*conditions)
        .subquery()
    )
    name = "first_paid" if paying else "adjudication"
    return select(ranked).where(ranked.c.rank == 1).subquery(name)


def rollup_select(connection: Connection, claims: Sequence[str] | None = None) -> Select[Any]:
    """The rollup row of every claim (of ``claims`` only, when given), in table column order."""
    h, cp, p = ClaimStatusRow, ClaimPaymentRow, LedgerPostingRow
    adjudicated = _first_seq(ADJUDICATED)
    statuses = (
        select(
            h.claim_id,
            _first_seq(ENTERED).label("entered_seq"),
            _first_seq((ClaimStatus.SUBMITTED.value,)).label("submitted_seq"),
            _before(_first_seq(TOUCHED), adjudicated).label("touched"),
            _before(_first_seq((ClaimStatus.REJECTED.value,)), adjudicated).label("rejected"),
        )
        .where(_limit_on(connection, h.claim_id, claims=claims))
        .group_by(h.claim_id)
        .subquery("statuses")
    )
    entered = select(h.claim_id, h.seq, h.at).subquery("entered")
    submitted = select(h.claim_id, h.seq, h.at).subquery("submitted")
    first = _payments(connection, claims, paying=False)
    paying = _payments(connection, claims, paying=True)
    standing = (
        select(cp.claim_id, func.sum(cp.patient_share).label("patient_share"))
        .where(
            cp.claim_id.is_not(None),
            cp.status.not_in((HELD_PAYMENT, REVERSED_PAYMENT)),
            cp.clp_status != REVERSAL_CLP_STATUS,
            _limit_on(connection, cp.claim_id, claims=claims),
        )
        .group_by(cp.claim_id)
        .subquery("standing")
    )
    ledger = (
        select(
            p.claim_id,
            *(
                func.sum(case((p.account == account, p.amount), else_=literal_column("0"))).label(
                    name
                )
                for name, account in LEDGER_COLUMNS.items()
            ),
        )
        .where(p.claim_id.is_not(None), _limit_on(connection, p.claim_id, claims=claims))
        .group_by(p.claim_id)
        .subquery("ledger")
    )

    def money(column: Any) -> Any:
        return type_coerce(func.coalesce(column, literal_column("0")), money_type())

    c, e, line = ClaimRow, EncounterRow, ServiceLineRow
    served = select(c.encounter_id).where(_limit_on(connection, c.claim_id, claims=claims))
    charges = (
        select(line.encounter_id, func.sum(line.charge).label("charge"))
        .where(true() if claims is None else line.encounter_id.in_(served))
        .group_by(line.encounter_id)
        .subquery("charges")
    )
    return (
        select(
            c.claim_id,
            c.payer_id,
            e.patient_account,
            e.rendering_npi,
            e.facility_id,
            e.date_of_service,
            c.frequency,
            money(charges.c.charge).label("charge"),
            entered.c.at.label("entered_at"),
            submitted.c.at.label("submitted_at"),
            func.coalesce(statuses.c.touched, false()).label("touched"),
            func.coalesce(statuses.c.rejected, false()).label("rejected"),
            first.c.id.label("adjudication_id"),
            first.c.paid_on.label("adjudicated_on"),
            first.c.clp_status.label("adjudicated_clp_status"),
            first.c.charge.label("adjudicated_charge"),
            first.c.paid.label("adjudicated_paid"),
            first.c.denied.label("adjudicated_denied"),
            first.c.shortfall.label("adjudicated_shortfall"),
            paying.c.paid_on.label("first_paid_on"),
            paying.c.paid.label("first_paid"),
            money(standing.c.patient_share).label("patient_assigned"),
            *(money(ledger.c[name]).label(name) for name in LEDGER_COLUMNS),
        )
        .join(e, e.encounter_id == c.encounter_id)
        .outerjoin(charges, charges.c.encounter_id == c.encounter_id)
        .outerjoin(statuses, statuses.c.claim_id == c.claim_id)
        .outerjoin(
            entered,
            and_(entered.c.claim_id == c.claim_id, entered.c.seq == statuses.c.entered_seq),
        )
        .outerjoin(
            submitted,
            and_(submitted.c.claim_id == c.claim_id, submitted.c.seq == statuses.c.submitted_seq),
        )
        .outerjoin(first, first.c.claim_id == c.claim_id)
        .outerjoin(paying, paying.c.claim_id == c.claim_id)
        .outerjoin(standing, standing.c.claim_id == c.claim_id)
        .outerjoin(ledger, ledger.c.claim_id == c.claim_id)
        .where(_limit_on(connection, c.claim_id, claims=claims))
    )


def _columns() -> list[str]:
    return [column.name for column in ROLLUPS.columns]


def touch(session: Session, claim_ids: Iterable[str | None]) -> None:
    """Mark the rows of ``claim_ids`` (``None`` entries are money on no claim) for a refresh
    before the session's transaction commits, or before the unit of work next reads: called
    by every repository write that changes what they hold. A posting touches a claim three
    times (its payment, its status, its entries); it is recomputed once."""
    session.info.setdefault(_PENDING, set()).update(c for c in claim_ids if c)


def refresh_pending(session: Session) -> None:
    """Recompute the rows touched in this transaction (see :func:`touch`)."""
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh(session.connection(), sorted(pending))


def _forget_pending(session: Session, _previous: Any = None) -> None:
    session.info.pop(_PENDING, None)


# Every session refreshes what it touched before it commits, and forgets it on a rollback.
event.listen(Session, "before_commit", refresh_pending)
event.listen(Session, "after_soft_rollback", _forget_pending)


def refresh(connection: Connection, claim_ids: Sequence[str]) -> None:
    """Recompute the rows of ``claim_ids`` now, in the connection's transaction."""
    size = CHUNK if connection.dialect.name == "postgresql" else SQLITE_CHUNK
    for start in range(0, len(claim_ids), size):
        chunk = claim_ids[start : start + size]
        among = partial(_limit_on, connection, claims=chunk)
        open_sums.withdraw(connection, chunk)
        connection.execute(delete(ROLLUPS).where(among(ROLLUPS.c.claim_id)))
        connection.execute(_insert_rollups(connection), {CLAIMS_PARAMETER: list(chunk)})
        first_adjustments.refresh(connection, among)
        patient_since.refresh(connection, among)
        open_sums.deposit(connection, chunk)


# Building the rollup statement costs more Python time than the database takes to run it for
# a few claims (8 ms for a claim's import), so it is built once per dialect and each refresh
# gives it only its claims.
_INSERTS: dict[str, Any] = {}


def _insert_rollups(connection: Connection) -> Any:
    dialect = connection.dialect.name
    if dialect not in _INSERTS:
        built = rollup_select(connection, ("",))
        _INSERTS[dialect] = insert(ROLLUPS).from_select(_columns(), built)
    return _INSERTS[dialect]


def rebuild(connection: Connection) -> None:
    """Every claim's row afresh (the migration's backfill; a repair after a bulk load)."""
    connection.execute(delete(ROLLUPS))
    connection.execute(insert(ROLLUPS).from_select(_columns(), rollup_select(connection)))


def drifted(connection: Connection, limit: int = 20) -> tuple[int, list[str]]:
    """How many claims' stored rows differ from a recomputation (missing, extra or changed),
    and the first ``limit`` of them in claim order."""
    fresh = rollup_select(connection).subquery("fresh")
    stored = ROLLUPS
    names = _columns()
    differs = or_(
        stored.c.claim_id.is_(None),
        *(stored.c[n].is_distinct_from(fresh.c[n]) for n in names if n != "claim_id"),
    )
    missing_or_changed = (
        select(fresh.c.claim_id)
        .outerjoin(stored, stored.c.claim_id == fresh.c.claim_id)
        .where(differs)
    )
    extra = select(stored.c.claim_id).where(stored.c.claim_id.not_in(select(ClaimRow.claim_id)))
    union = missing_or_changed.union(extra).subquery("drift")
    count = connection.execute(select(func.count()).select_from(union)).scalar_one()
    first = connection.scalars(select(union.c.claim_id).order_by(union.c.claim_id).limit(limit))
    return count, list(first)
