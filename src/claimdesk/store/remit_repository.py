"""Remittances, claim payments and Tier 2 records in the database.

Posting a 20,000-claim 835 must not issue statements per claim, so claims are loaded, moved and
recorded in chunks with executemany statements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, Table, and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.money import Money
from claimdesk.store import rows
from claimdesk.store.repositories import (
    EncounterRepository,
    among,
    chunks,
    insert_rows,
    key_chunks,
)
from claimdesk.store.tables.appeals import AppealRow
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow, ClaimStatusRow, SecondaryClaimRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import EncounterRow
from claimdesk.store.tables.follow_ups import FollowUpRow
from claimdesk.store.tables.reference import CodeTextRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemitFileRow, RemittanceRow
from claimdesk.store.tables.work_items import WorkItemRow
from claimdesk.store.tables.write_offs import WriteOffRequestRow

FILES = table_of(RemitFileRow)
REMITTANCES = table_of(RemittanceRow)
PAYMENTS = table_of(ClaimPaymentRow)
APPEALS = table_of(AppealRow)
FOLLOW_UPS = table_of(FollowUpRow)
WRITE_OFFS = table_of(WriteOffRequestRow)
SECONDARY = table_of(SecondaryClaimRow)
CODE_TEXTS = table_of(CodeTextRow)
CLAIMS = table_of(ClaimRow)
HISTORY = table_of(ClaimStatusRow)

SECONDARY_PRIORITY = 2
POSTED = "posted"
HELD = "held"
REVERSED = "reversed"


@dataclass(frozen=True, slots=True)
class StoredRemittance:
    remittance_id: str
    payment_amount: Money
    claims_paid: Money
    claim_count: int
    status: str
    file_sha256: str


@dataclass(frozen=True, slots=True)
class PostedPayment:
    """The latest posted (not reversed) claim payment of a claim."""

    payment_id: int
    claim_id: str
    entry_ids: tuple[str, ...]
    payer_claim_number: str


class RemitRepository:
    def __init__(self, session: Session, encounters: EncounterRepository) -> None:
        self._session = session
        self._encounters = encounters

    def _insert(self, table: Table, values: dict[str, Any]) -> int:
        statement = insert(table).values(values).returning(table.c.id)
        new_id: int = self._session.execute(statement).scalar_one()
        return new_id

    # Files and remittances

    def file_outcome(self, sha256: str) -> str | None:
        return self._session.execute(
            select(FILES.c.outcome).where(FILES.c.sha256 == sha256)
        ).scalar()

    def record_file(self, values: dict[str, Any]) -> None:
        sha = values["sha256"]
        if self.file_outcome(sha) is None:
            self._session.execute(insert(FILES).values(values))
        else:
            self._session.execute(update(FILES).where(FILES.c.sha256 == sha).values(values))

    def remittance_by_key(
        self, payer_key: str, payee_key: str, trace_number: str
    ) -> StoredRemittance | None:
        row = (
            self._session.execute(
                select(REMITTANCES).where(
                    REMITTANCES.c.payer_key == payer_key,
                    REMITTANCES.c.payee_key == payee_key,
                    REMITTANCES.c.trace_number == trace_number,
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return StoredRemittance(
            remittance_id=row["remittance_id"],
            payment_amount=Money(row["payment_amount"]),
            claims_paid=Money(row["claims_paid"]),
            claim_count=row["claim_count"],
            status=row["status"],
            file_sha256=row["file_sha256"],
        )

    def save_remittance(self, values: dict[str, Any]) -> None:
        key = values["remittance_id"]
        exists = self._session.execute(
            select(REMITTANCES.c.remittance_id).where(REMITTANCES.c.remittance_id == key)
        ).scalar()
        if exists is None:
            self._session.execute(insert(REMITTANCES).values(values))
        else:
            self._session.execute(
                update(REMITTANCES).where(REMITTANCES.c.remittance_id == key).values(values)
            )

    def remittance_status(self, remittance_id: str) -> str | None:
        return self._session.execute(
            select(REMITTANCES.c.status).where(REMITTANCES.c.remittance_id == remittance_id)
        ).scalar()

    # Claim payments

    def payment_positions(self, remittance_id: str) -> dict[int, str]:
        """Status of each recorded claim payment of a remittance, by its position index."""
        query = select(PAYMENTS.c.position_index, PAYMENTS.c.status).where(
            PAYMENTS.c.remittance_id == remittance_id
        )
        return {row[0]: row[1] for row in self._session.execute(query)}

    def drop_held_payments(self, remittance_id: str) -> None:
        """Held payments are tried again when their remittance is ingested again."""
        self._session.execute(
            PAYMENTS.delete().where(
                PAYMENTS.c.remittance_id == remittance_id, PAYMENTS.c.status == HELD
            )
        )

    def add_payments(self, values: list[dict[str, Any]]) -> dict[int, int]:
        """Insert claim payments; returns the new row id per position index."""
        insert_rows(self._session, ClaimPaymentRow, values)
        if not values:
            return {}
        remittance_id = values[0]["remittance_id"]
        query = select(PAYMENTS.c.position_index, PAYMENTS.c.id).where(
            PAYMENTS.c.remittance_id == remittance_id
        )
        return {row[0]: row[1] for row in self._session.execute(query)}

    def last_posted(self, claim_ids: Sequence[str]) -> dict[str, PostedPayment]:
        found: dict[str, PostedPayment] = {}
        for chunk in chunks(sorted(set(claim_ids))):
            query = (
                select(
                    PAYMENTS.c.id,
                    PAYMENTS.c.claim_id,
                    PAYMENTS.c.entry_ids,
                    PAYMENTS.c.payer_claim_number,
                )
                .where(
                    PAYMENTS.c.claim_id.in_(chunk),
                    PAYMENTS.c.status == POSTED,
                    PAYMENTS.c.clp_status != "22",
                )
                .order_by(PAYMENTS.c.id)
            )
            for payment_id, claim_id, entry_ids, number in self._session.execute(query):
                found[claim_id] = PostedPayment(payment_id, claim_id, tuple(entry_ids), number)
        return found

    def mark_reversed(self, payment_ids: Iterable[int]) -> None:
        ids = sorted(set(payment_ids))
        for chunk in chunks(ids):
            self._session.execute(
                update(PAYMENTS).where(PAYMENTS.c.id.in_(chunk)).values(status=REVERSED)
            )

    def payment(self, payment_id: int) -> RowMapping | None:
        return (
            self._session.execute(select(PAYMENTS).where(PAYMENTS.c.id == payment_id))
            .mappings()
            .first()
        )

    def payments_of_claim(self, claim_id: str) -> list[RowMapping]:
        query = select(PAYMENTS).where(PAYMENTS.c.claim_id == claim_id).order_by(PAYMENTS.c.id)
        return list(self._session.execute(query).mappings())

    # Claims, in bulk

    def claims(self, claim_ids: Sequence[str]) -> dict[str, Claim]:
        """The stored claims among ``claim_ids``, with encounters and full history."""
        found: dict[str, Claim] = {}
        session = self._session
        for chunk in key_chunks(session, sorted(set(claim_ids))):
            claim_rows = list(
                session.execute(select(CLAIMS).where(among(session, CLAIMS.c.claim_id, chunk)))
                .mappings()
                .all()
            )
            if not claim_rows:
                continue
            history: dict[str, list[rows.RowIn]] = defaultdict(list)
            query = (
                select(HISTORY)
                .where(among(session, HISTORY.c.claim_id, chunk))
                .order_by(HISTORY.c.seq)
            )
            for row in self._session.execute(query).mappings():
                history[row["claim_id"]].append(row)
            encounters = self._encounters.get_many([r["encounter_id"] for r in claim_rows])
            for row in claim_rows:
                found[row["claim_id"]] = rows.claim_of(
                    row, encounters[row["encounter_id"]], history[row["claim_id"]]
                )
        return found

    def claims_by_payer_number(self, numbers: Sequence[str]) -> dict[str, str]:
        """Our claim id per payer claim number (CLP07 of an earlier 835)."""
        found: dict[str, str] = {}
        for chunk in chunks(sorted({n for n in numbers if n})):
            query = select(CLAIMS.c.payer_claim_number, CLAIMS.c.claim_id).where(
                CLAIMS.c.payer_claim_number.in_(chunk)
            )
            found.update({row[0]: row[1] for row in self._session.execute(query)})
        return found

    def claims_by_member_and_date(self, member_id: str, day: date) -> list[str]:
        """Claims on a coverage with ``member_id`` for an encounter on ``day``."""
        query = (
            select(CLAIMS.c.claim_id)
            .join(CoverageRow, CoverageRow.coverage_id == CLAIMS.c.coverage_id)
            .join(EncounterRow, EncounterRow.encounter_id == CLAIMS.c.encounter_id)
            .where(and_(CoverageRow.member_id == member_id, EncounterRow.date_of_service == day))
            .order_by(CLAIMS.c.claim_id)
        )
        return list(self._session.execute(query).scalars())

    def save_claims(self, moved: Sequence[tuple[Claim, int]]) -> None:
        """Write each claim's status and payer claim number and the history it gained since
        it was loaded with ``stored`` history rows (one executemany per statement)."""
        if not moved:
            return
        self._session.execute(
            update(CLAIMS)
            .where(CLAIMS.c.claim_id == bindparam("key"))
            .values(status=bindparam("new_status"), payer_claim_number=bindparam("number")),
            [
                {"key": c.claim_id, "new_status": c.status.value, "number": c.payer_claim_number}
                for c, _stored in moved
            ],
            execution_options={"synchronize_session": False},
        )
        insert_rows(
            self._session,
            ClaimStatusRow,
            [
                rows.status_row(claim.claim_id, seq, change)
                for claim, stored in moved
                for seq, change in enumerate(claim.history, start=1)
                if seq > stored
            ],
        )

    def claims_waiting_since(self, cutoff: datetime) -> list[str]:
        """Submitted or accepted claims whose last status change is older than ``cutoff``."""
        last = (
            select(HISTORY.c.claim_id, func.max(HISTORY.c.at).label("last_at"))
            .group_by(HISTORY.c.claim_id)
            .subquery()
        )
        query = (
            select(CLAIMS.c.claim_id)
            .join(last, last.c.claim_id == CLAIMS.c.claim_id)
            .where(
                CLAIMS.c.status.in_([ClaimStatus.SUBMITTED.value, ClaimStatus.ACCEPTED.value]),
                last.c.last_at < cutoff,
            )
            .order_by(CLAIMS.c.claim_id)
        )
        return list(self._session.execute(query).scalars())

    # Appeals, follow-ups, write-offs, secondary claims, code texts

    def add_appeal(self, values: dict[str, Any]) -> int:
        return self._insert(APPEALS, values)

    def appeal(self, appeal_id: int) -> RowMapping | None:
        query = select(APPEALS).where(APPEALS.c.id == appeal_id)
        return self._session.execute(query).mappings().first()

    def appeals_of(self, claim_id: str) -> list[RowMapping]:
        query = select(APPEALS).where(APPEALS.c.claim_id == claim_id).order_by(APPEALS.c.id)
        return list(self._session.execute(query).mappings())

    def update_appeal(self, appeal_id: int, values: dict[str, Any]) -> None:
        self._session.execute(update(APPEALS).where(APPEALS.c.id == appeal_id).values(values))

    def add_follow_up(self, values: dict[str, Any]) -> int:
        return self._insert(FOLLOW_UPS, values)

    def follow_ups(self, claim_id: str) -> list[RowMapping]:
        query = select(FOLLOW_UPS).where(FOLLOW_UPS.c.claim_id == claim_id)
        return list(self._session.execute(query.order_by(FOLLOW_UPS.c.id)).mappings())

    def follow_up_by_reference(self, channel: str, reference: str) -> RowMapping | None:
        query = select(FOLLOW_UPS).where(
            FOLLOW_UPS.c.channel == channel, FOLLOW_UPS.c.reference == reference
        )
        return self._session.execute(query).mappings().first()

    def add_write_off(self, values: dict[str, Any]) -> int:
        return self._insert(WRITE_OFFS, values)

    def write_off(self, request_id: int) -> RowMapping | None:
        query = select(WRITE_OFFS).where(WRITE_OFFS.c.id == request_id)
        return self._session.execute(query).mappings().first()

    def update_write_off(self, request_id: int, values: dict[str, Any]) -> None:
        self._session.execute(
            update(WRITE_OFFS).where(WRITE_OFFS.c.id == request_id).values(values)
        )

    def add_secondary(self, values: dict[str, Any]) -> None:
        self._session.execute(insert(SECONDARY).values(values))

    def secondary_of(self, primary_claim_id: str) -> str | None:
        query = select(SECONDARY.c.claim_id).where(SECONDARY.c.primary_claim_id == primary_claim_id)
        return self._session.execute(query).scalar()

    def secondary_claims(self, claim_ids: Sequence[str]) -> set[str]:
        """Those of ``claim_ids`` made from a primary payer's remittance (secondary claims)."""
        found: set[str] = set()
        for chunk in chunks(sorted(set(claim_ids))):
            query = select(SECONDARY.c.claim_id).where(SECONDARY.c.claim_id.in_(chunk))
            found.update(self._session.execute(query).scalars())
        return found

    def with_secondary_coverage(self, claim_ids: Sequence[str]) -> set[str]:
        """Those of ``claim_ids`` whose patient has a secondary coverage on file."""
        found: set[str] = set()
        for chunk in chunks(sorted(set(claim_ids))):
            query = (
                select(CLAIMS.c.claim_id)
                .join(EncounterRow, EncounterRow.encounter_id == CLAIMS.c.encounter_id)
                .join(CoverageRow, CoverageRow.patient_account == EncounterRow.patient_account)
                .where(CLAIMS.c.claim_id.in_(chunk), CoverageRow.priority == SECONDARY_PRIORITY)
            )
            found.update(self._session.execute(query).scalars())
        return found

    def work_on_claims(self, claim_ids: Sequence[str]) -> dict[tuple[str, str], tuple[bool, int]]:
        """Per (claim, problem key) with work items: whether one is active, and how many were
        opened (escalation successors not counted, as in ``WorkRepository.occurrences``)."""
        found: dict[tuple[str, str], tuple[bool, int]] = {}
        items = table_of(WorkItemRow)
        for chunk in chunks(sorted(set(claim_ids))):
            query = select(
                items.c.claim_id, items.c.problem_key, items.c.open_key, items.c.escalated_from
            ).where(items.c.claim_id.in_(chunk))
            for claim_id, problem_key, key, escalated_from in self._session.execute(query):
                active, count = found.get((claim_id, problem_key), (False, 0))
                found[(claim_id, problem_key)] = (
                    active or key is not None,
                    count + (escalated_from is None),
                )
        return found

    def secondary_link(self, claim_id: str) -> RowMapping | None:
        query = select(SECONDARY).where(SECONDARY.c.claim_id == claim_id)
        return self._session.execute(query).mappings().first()

    def put_code_texts(self, kind: str, texts: Mapping[str, str], at: datetime) -> int:
        codes = sorted(texts)
        for chunk in chunks(codes):
            self._session.execute(
                CODE_TEXTS.delete().where(CODE_TEXTS.c.kind == kind, CODE_TEXTS.c.code.in_(chunk))
            )
        insert_rows(
            self._session,
            CodeTextRow,
            [{"kind": kind, "code": c, "description": texts[c], "imported_at": at} for c in codes],
        )
        return len(codes)

    def code_texts(self, kind: str, codes: Iterable[str]) -> dict[str, str]:
        query = select(CODE_TEXTS.c.code, CODE_TEXTS.c.description).where(
            CODE_TEXTS.c.kind == kind, CODE_TEXTS.c.code.in_(sorted(set(codes)))
        )
        return {row[0]: row[1] for row in self._session.execute(query)}


def money_value(amount: Money) -> Decimal:
    return amount.amount
