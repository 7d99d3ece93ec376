"""What every A/R query shares: the aging bucket of a date, and the receivable money on no claim.

Read-only query parts (``uow.read``): the receivables at a day (``kpi_ledger``), the patient
aging (``patient_accounts``) and the A/R as it stands (``settled_ar``) build on them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, case, func, literal_column, null, select, type_coerce

from claimdesk.analytics.facts import Scope
from claimdesk.analytics.position import BUCKETS
from claimdesk.domain.ledger import Account
from claimdesk.store.tables.ledger import LedgerPostingRow
from claimdesk.store.types import money_type

_INSURANCE, _PATIENT = Account.INSURANCE_AR.value, Account.PATIENT_AR.value
_ZERO: Any = literal_column("0")
_EMPTY: Any = literal_column("''")


def unclaimed_balances(as_of: date, scope: Scope) -> Any:
    """Receivable money on no claim at the end of ``as_of``, by payer, patient and day; none in
    a provider's or a facility's scope (``Scope.covers_unattached``)."""
    if scope.provider_npi is not None or scope.facility_id is not None:
        return None
    p = LedgerPostingRow
    conditions = [
        p.claim_id.is_(None),
        p.account.in_((_INSURANCE, _PATIENT)),
        p.effective <= as_of,
    ]
    if scope.payer_id is not None:
        conditions.append(p.payer_id == scope.payer_id)
    keys = (p.account, func.coalesce(p.payer_id, _EMPTY), p.patient_account, p.effective)
    return (
        select(
            type_coerce(_EMPTY, String()).label("claim_id"),
            p.account.label("account"),
            keys[1].label("payer_id"),
            p.patient_account.label("patient_account"),
            p.effective.label("dated"),
            null().label("submitted_at"),
            type_coerce(func.sum(p.amount), money_type()).label("amount"),
        )
        .where(*conditions)
        .group_by(*keys)
        .having(func.sum(p.amount) != _ZERO)
    )


def aging_bucket(dated: Any, as_of: date) -> Any:
    """The aging bucket of a balance dated ``dated`` at ``as_of`` (``receivables.bucket_of``:
    a date after ``as_of`` is current)."""
    whens: list[tuple[Any, Any]] = [
        (dated >= as_of - timedelta(days=high), literal_column(f"'{name}'"))
        for name, _low, high in BUCKETS
        if high is not None
    ]
    return case(*whens, else_=literal_column(f"'{BUCKETS[-1][0]}'"))
