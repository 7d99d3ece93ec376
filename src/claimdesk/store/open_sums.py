"""Sums kept with the rollups: the open receivables by key (``open_ar_sums``,
``patient_owing``, ``patient_age_sums``, ``pending_insurance``, ``allowance_sums``,
``payer_charge_sums``) and the first pass by day and payer (``entered_sums``,
``adjudicated_sums``, ``first_paid_sums``).

Each table sums what one ``SELECT`` over the rollups gives per key. When a write refreshes some
claims' rollups (``rollups.refresh``), :func:`withdraw` subtracts what those claims' rows gave
(read before the refresh) and :func:`deposit` adds what they give after it, in the same
transaction: a patient's visit is read whole both times, so a visit netted over its primary's
and its secondary's claims moves by the difference. :func:`rebuild` sums every claim (the
migration's backfill, a generated practice) and :func:`drifted` is what ``books verify``
(BOOKS008) compares the non-zero rows with. A row whose sums come back to zero stays, at zero:
the readers keep the non-zero ones.

The claims' last contractual day (``claim_adjusted``) is kept the same way as
``patient_since``: recomputed from the postings for the refreshed claims.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Date,
    Integer,
    Select,
    String,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal_column,
    not_,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.util.typing import TupleAny, Unpack

from claimdesk.analytics.first_pass import DENIED_CLP_STATUS
from claimdesk.domain.ledger import Account
from claimdesk.store.patient_since import SINCE
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claim_rollups import (
    AdjudicatedSumRow,
    AllowanceSumRow,
    ClaimAdjustedRow,
    ClaimRollupRow,
    EnteredSumRow,
    FirstPaidSumRow,
    OpenArSumRow,
    PatientAgeSumRow,
    PatientOwingRow,
    PayerChargeSumRow,
    PendingInsuranceRow,
)
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.ledger import LedgerPostingRow

ORIGINAL = "1"  # CLM05-3: an original claim; the first pass counts only these
Among = Callable[[Any], Any]  # a condition on a claim id column: the claims refreshed
Rows = Select[Unpack[TupleAny]]  # a SELECT of rows of any columns

ADJUSTED = table_of(ClaimAdjustedRow)
_OPEN_AR_TABLE = table_of(OpenArSumRow)
_PATIENT_OWING_TABLE = table_of(PatientOwingRow)
_PATIENT_AGES_TABLE = table_of(PatientAgeSumRow)
_PENDING_TABLE = table_of(PendingInsuranceRow)
_ALLOWANCE_TABLE = table_of(AllowanceSumRow)
_PAYER_CHARGES_TABLE = table_of(PayerChargeSumRow)

_ZERO: Any = literal_column("0")
_ONE: Any = literal_column("1")
# SQLite reads ``INSERT ... SELECT ... ON CONFLICT`` only when the SELECT has a WHERE.
_ALWAYS: Any = _ONE == _ONE


def _count(condition: Any) -> Any:
    return func.count(case((condition, _ONE), else_=None))


def _rollups(among: Among | None) -> Any:
    r = ClaimRollupRow
    return _ALWAYS if among is None else among(r.claim_id)


def _open_ar(among: Among | None, _dialect: str) -> Rows:
    r = ClaimRollupRow
    billed = r.submitted_at.is_not(None)
    return (
        select(
            r.payer_id,
            r.date_of_service,
            billed.label("billed"),
            func.sum(r.insurance_ar).label("insurance"),
            func.sum(r.patient_ar).label("patient"),
            _count(r.insurance_ar != _ZERO).label("insurance_claims"),
            _count(r.patient_ar != _ZERO).label("patient_claims"),
            func.count().label("claims"),
        )
        .where(_rollups(among), or_(r.insurance_ar != _ZERO, r.patient_ar != _ZERO))
        .group_by(r.payer_id, r.date_of_service, billed)
    )


def _visits(among: Among | None) -> Any:
    """Each visit (of the claims ``among`` names: their visits whole) that reached the patient:
    its patient, the first day its money reached the patient, its claims' patient A/R summed,
    and how many of its claims have a patient balance."""
    r, s = ClaimRollupRow, SINCE.c
    query = select(
        s.encounter_id,
        s.patient_account,
        func.min(s.since).label("since"),
        func.sum(r.patient_ar).label("amount"),
        _count(r.patient_ar != _ZERO).label("claims"),
    ).join(ClaimRollupRow, r.claim_id == s.claim_id)
    if among is not None:
        query = query.where(
            s.encounter_id.in_(select(ClaimRow.encounter_id).where(among(ClaimRow.claim_id)))
        )
    return query.group_by(s.encounter_id, s.patient_account).subquery("visits")


def _patient_owing(among: Among | None, _dialect: str) -> Rows:
    v = _visits(among).c
    return (
        select(
            v.patient_account,
            func.sum(v.amount).label("amount"),
            func.sum(v.claims).label("claims"),
            _count(v.amount != _ZERO).label("visits"),
        )
        .where(or_(v.amount != _ZERO, v.claims != _ZERO))
        .group_by(v.patient_account)
    )


def _patient_ages(among: Among | None, _dialect: str) -> Rows:
    v = _visits(among).c
    return (
        select(v.since, func.sum(v.amount).label("amount"), func.count().label("visits"))
        .where(v.amount != _ZERO)
        .group_by(v.since)
    )


def _pending(among: Among | None, _dialect: str) -> Rows:
    r = ClaimRollupRow
    return (
        select(r.payer_id, r.insurance_ar.label("balance"), func.count().label("claims"))
        .where(_rollups(among), r.insurance_ar > _ZERO, r.contractual == _ZERO)
        .group_by(r.payer_id, r.insurance_ar)
    )


def _allowance(among: Among | None, _dialect: str) -> Rows:
    r, a = ClaimRollupRow, ADJUSTED.c
    return (
        select(
            r.payer_id,
            a.adjusted_on,
            func.sum(r.contractual).label("adjusted"),
            (-func.sum(r.gross_charges)).label("charged"),
            func.count().label("claims"),
        )
        .join(ADJUSTED, a.claim_id == r.claim_id)
        .where(_rollups(among), r.contractual > _ZERO)
        .group_by(r.payer_id, a.adjusted_on)
    )


def _payer_charges(among: Among | None, _dialect: str) -> Rows:
    r = ClaimRollupRow
    return (
        select(r.payer_id, func.sum(r.gross_charges).label("charges"), func.count().label("claims"))
        .where(_rollups(among))
        .group_by(r.payer_id)
    )


def _utc_day(at: Any, dialect: str) -> Any:
    """The UTC day of a timestamp of the status history."""
    if dialect == "postgresql":
        return func.cast(func.timezone("UTC", at), Date)
    return type_coerce(func.date(at), Date)


def _counted(condition: Any, amount: Any) -> tuple[Any, Any]:
    """How many claims meet ``condition``, and the sum of their ``amount`` (0 for none)."""
    summed = func.coalesce(func.sum(case((condition, amount), else_=_ZERO)), _ZERO)
    return _count(condition), summed


def _original(among: Among | None) -> Any:
    r = ClaimRollupRow
    return and_(_rollups(among), r.frequency == ORIGINAL)


def _entered(among: Among | None, dialect: str) -> Rows:
    r = ClaimRollupRow
    day = _utc_day(r.entered_at, dialect).label("day")
    claims, charge = _counted(r.entered_at.is_not(None), r.charge)
    clean, clean_charge = _counted(not_(r.touched), r.charge)
    return (
        select(
            day,
            r.payer_id,
            claims.label("claims"),
            charge.label("charge"),
            clean.label("clean"),
            clean_charge.label("clean_charge"),
        )
        .where(_original(among), r.entered_at.is_not(None))
        .group_by(day, r.payer_id)
    )


def _adjudicated(among: Among | None, _dialect: str) -> Rows:
    r = ClaimRollupRow
    denial = or_(r.adjudicated_clp_status == DENIED_CLP_STATUS, r.adjudicated_denied > _ZERO)
    resolved = and_(not_(r.rejected), not_(denial), r.adjudicated_shortfall <= _ZERO)
    sides = (
        ("claims", "charge", r.adjudication_id.is_not(None), r.adjudicated_charge),
        ("resolved", "resolved_paid", resolved, r.adjudicated_paid),
        ("denied", "denied_amount", denial, r.adjudicated_denied),
        (
            "denied_dollars",
            "denied_dollars_amount",
            r.adjudicated_denied > _ZERO,
            r.adjudicated_denied,
        ),
    )
    columns = []
    for count_name, amount_name, condition, amount in sides:
        count, summed = _counted(condition, amount)
        columns += [count.label(count_name), summed.label(amount_name)]
    return (
        select(r.adjudicated_on.label("day"), r.payer_id, *columns)
        .where(_original(among), r.adjudicated_on.is_not(None))
        .group_by(r.adjudicated_on, r.payer_id)
    )


def days_waited(dialect: str) -> Any:
    """Days from the UTC day of a claim's first SUBMITTED status to its first payment's date."""
    r = ClaimRollupRow
    if dialect == "postgresql":
        return r.first_paid_on - _utc_day(r.submitted_at, dialect)
    return func.cast(
        func.julianday(r.first_paid_on) - func.julianday(func.date(r.submitted_at)), Integer
    )


def _first_paid(among: Among | None, dialect: str) -> Rows:
    r = ClaimRollupRow
    return (
        select(
            r.first_paid_on.label("day"),
            r.payer_id,
            func.count().label("claims"),
            func.sum(days_waited(dialect)).label("days"),
            func.sum(r.first_paid).label("paid"),
        )
        .where(_original(among), r.submitted_at.is_not(None), r.first_paid_on.is_not(None))
        .group_by(r.first_paid_on, r.payer_id)
    )


@dataclass(frozen=True, slots=True)
class Sums:
    """A table of sums: its key columns, and the ``SELECT`` that gives its rows (keys, then the
    summed columns, in table order) for the claims a condition names, or every claim."""

    table: Table
    keys: tuple[str, ...]
    source: Callable[[Among | None, str], Rows]

    @property
    def summed(self) -> list[str]:
        return [c.name for c in self.table.columns if c.name not in self.keys]

    def nonzero(self) -> Any:
        return or_(*(self.table.c[name] != _ZERO for name in self.summed))


OPEN_AR = Sums(_OPEN_AR_TABLE, ("payer_id", "date_of_service", "billed"), _open_ar)
PATIENT_OWING = Sums(_PATIENT_OWING_TABLE, ("patient_account",), _patient_owing)
PATIENT_AGES = Sums(_PATIENT_AGES_TABLE, ("since",), _patient_ages)
PENDING = Sums(_PENDING_TABLE, ("payer_id", "balance"), _pending)
ALLOWANCE = Sums(_ALLOWANCE_TABLE, ("payer_id", "adjusted_on"), _allowance)
PAYER_CHARGES = Sums(_PAYER_CHARGES_TABLE, ("payer_id",), _payer_charges)
ENTERED = Sums(table_of(EnteredSumRow), ("day", "payer_id"), _entered)
ADJUDICATED = Sums(table_of(AdjudicatedSumRow), ("day", "payer_id"), _adjudicated)
FIRST_PAID = Sums(table_of(FirstPaidSumRow), ("day", "payer_id"), _first_paid)
SUMS = (
    OPEN_AR,
    PATIENT_OWING,
    PATIENT_AGES,
    PENDING,
    ALLOWANCE,
    PAYER_CHARGES,
    ENTERED,
    ADJUDICATED,
    FIRST_PAID,
)


def _upsert(dialect: str, sums: Sums, among: Among | None, sign: int) -> Any:
    """Add what the claims ``among`` names give to ``sums`` (``sign`` -1: subtract it)."""
    rows = sums.source(among, dialect).subquery("rows")
    signed = select(
        *(rows.c[k] for k in sums.keys),
        *((rows.c[s] if sign > 0 else -rows.c[s]).label(s) for s in sums.summed),
    ).where(_ALWAYS)
    insert_into = postgresql.insert if dialect == "postgresql" else sqlite.insert
    upsert = insert_into(sums.table).from_select([*sums.keys, *sums.summed], signed)
    return upsert.on_conflict_do_update(
        index_elements=list(sums.keys),
        set_={s: sums.table.c[s] + upsert.excluded[s] for s in sums.summed},
    )


def _add(connection: Connection, sums: Sums, among: Among | None, sign: int) -> None:
    connection.execute(_upsert(connection.dialect.name, sums, among, sign))


def _adjusted_select(among: Among | None) -> Rows:
    p = LedgerPostingRow
    query = select(p.claim_id, func.max(p.effective).label("adjusted_on")).where(
        p.account == Account.CONTRACTUAL.value, p.claim_id.is_not(None)
    )
    if among is not None:
        query = query.where(among(p.claim_id))
    return query.group_by(p.claim_id)


def _claims_named(dialect: str) -> Among:
    """A condition on a claim id column naming the claims of the ``claims`` parameter: the
    statements are built once and run for every refresh with its chunk of claims."""
    if dialect == "postgresql":
        claims = bindparam("claims", type_=ARRAY(String()))
        return lambda column: column == any_(claims)
    expanding: Any = bindparam("claims", expanding=True)
    return lambda column: column.in_(expanding)


@cache
def _statements(dialect: str, sign: int) -> tuple[Any, ...]:
    """The statements that subtract (``sign`` -1) or add what the ``claims`` give, built once
    per dialect: a refresh runs them for one chunk of claims, so building them (a tree of a
    dozen subqueries each) would cost more than running them. On withdrawing the last
    contractual days are kept; on depositing they are recomputed first."""
    among = _claims_named(dialect)
    upserts: tuple[Any, ...] = tuple(_upsert(dialect, sums, among, sign) for sums in SUMS)
    if dialect == "postgresql":
        # One statement for every table (each a data-modifying common table): they write
        # tables the others do not read, so one snapshot serves them all.
        written = [
            upsert.returning(literal_column("1").label("written")).cte(f"written_{n}")
            for n, upsert in enumerate(upserts)
        ]
        upserts = (select(literal_column("1")).add_cte(*written),)
    if sign < 0:
        return upserts
    return (
        delete(ADJUSTED).where(among(ADJUSTED.c.claim_id)),
        insert(ADJUSTED).from_select(["claim_id", "adjusted_on"], _adjusted_select(among)),
        *upserts,
    )


def _run(connection: Connection, claims: Sequence[str], sign: int) -> None:
    for statement in _statements(connection.dialect.name, sign):
        connection.execute(statement, {"claims": list(claims)})


def withdraw(connection: Connection, claims: Sequence[str]) -> None:
    """Subtract what ``claims`` give, before their rollups are refreshed."""
    _run(connection, claims, -1)


def deposit(connection: Connection, claims: Sequence[str]) -> None:
    """Recompute the claims' last contractual day, then add what ``claims`` give, after their
    rollups (and ``patient_since``) are refreshed."""
    _run(connection, claims, 1)


def rebuild(connection: Connection) -> None:
    """Every table afresh from every claim (after the rollups and ``patient_since``)."""
    connection.execute(delete(ADJUSTED))
    connection.execute(
        insert(ADJUSTED).from_select(["claim_id", "adjusted_on"], _adjusted_select(None))
    )
    for sums in SUMS:
        connection.execute(delete(sums.table))
        _add(connection, sums, None, 1)


def drifted(connection: Connection) -> list[str]:
    """The tables whose non-zero rows differ from a recomputation (missing, extra or changed);
    ``claim_adjusted`` first when the claims' last contractual days differ from the postings."""
    found = []
    stored_days = select(ADJUSTED.c.claim_id, ADJUSTED.c.adjusted_on)
    if _differs(connection, stored_days, _adjusted_select(None)):
        found.append(ADJUSTED.name)
    for sums in SUMS:
        columns = [*sums.keys, *sums.summed]
        stored = select(*(sums.table.c[c] for c in columns)).where(sums.nonzero())
        fresh = sums.source(None, connection.dialect.name).subquery("fresh")
        if _differs(connection, stored, select(*(fresh.c[c] for c in columns))):
            found.append(sums.table.name)
    return found


def _differs(connection: Connection, stored: Rows, fresh: Rows) -> bool:
    for one_way in (stored.except_(fresh), fresh.except_(stored)):
        rows = one_way.subquery("differs")
        if connection.execute(select(rows).limit(1)).first() is not None:
            return True
    return False
