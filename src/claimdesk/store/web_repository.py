"""The web desk in the database: credentials, sign-in attempts, sessions, audit log, search."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from claimdesk.audit.chain import GENESIS, AuditRecord, StoredRecord
from claimdesk.security.throttle import Attempt
from claimdesk.store.engine import SQLITE_BEGIN_OPTION
from claimdesk.store.repositories import chunks
from claimdesk.store.tables.audit import AuditRow
from claimdesk.store.tables.base import table_of
from claimdesk.store.tables.claims import ClaimRow
from claimdesk.store.tables.coverages import CoverageRow
from claimdesk.store.tables.encounters import EncounterDiagnosisRow, EncounterRow, ServiceLineRow
from claimdesk.store.tables.ledger import LedgerPostingRow
from claimdesk.store.tables.patients import PatientRow
from claimdesk.store.tables.reference import PayerRow
from claimdesk.store.tables.remittances import ClaimPaymentRow, RemitFileRow, RemittanceRow
from claimdesk.store.tables.sessions import WebSessionRow
from claimdesk.store.tables.users import CredentialRow, SignInAttemptRow, UserRow

CREDENTIALS = table_of(CredentialRow)
ATTEMPTS = table_of(SignInAttemptRow)
SESSIONS = table_of(WebSessionRow)
AUDIT = table_of(AuditRow)
COVERAGES = table_of(CoverageRow)
DIAGNOSES = table_of(EncounterDiagnosisRow)
LINES = table_of(ServiceLineRow)
CLAIMS = table_of(ClaimRow)
ENCOUNTERS = table_of(EncounterRow)
PAYMENTS = table_of(ClaimPaymentRow)
REMITTANCES = table_of(RemittanceRow)
REMIT_FILES = table_of(RemitFileRow)
POSTINGS = table_of(LedgerPostingRow)
PAYERS = table_of(PayerRow)
USERS = table_of(UserRow)
# Any constant works: it names the one advisory lock that serializes audit appends on PostgreSQL.
AUDIT_LOCK_KEY = 0x636C6D64


@dataclass(frozen=True, slots=True)
class Credential:
    user_id: str
    password_hash: str
    totp_secret: str | None


@dataclass(frozen=True, slots=True)
class StoredSession:
    token_digest: str
    user_id: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class PatientHit:
    account: str
    last_name: str
    first_name: str
    birth_date: date


@dataclass(frozen=True, slots=True)
class ClaimHit:
    claim_id: str
    patient_account: str
    payer_id: str
    payer_name: str
    status: str
    date_of_service: date


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


class WebRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def _postgres(self) -> bool:
        return self._session.get_bind().dialect.name == "postgresql"

    # Credentials.

    def credential(self, user_id: str) -> Credential | None:
        row = self._session.execute(
            select(CREDENTIALS).where(CREDENTIALS.c.user_id == user_id)
        ).first()
        return None if row is None else Credential(row.user_id, row.password_hash, row.totp_secret)

    def set_password(self, user_id: str, password_hash: str, by: str, at: datetime) -> None:
        values = {"password_hash": password_hash, "changed_at": at, "changed_by": by}
        if self.credential(user_id) is None:
            self._session.execute(insert(CREDENTIALS).values(user_id=user_id, **values))
        else:
            self._session.execute(
                update(CREDENTIALS).where(CREDENTIALS.c.user_id == user_id).values(**values)
            )

    def set_totp_secret(self, user_id: str, secret: str | None) -> None:
        self._session.execute(
            update(CREDENTIALS).where(CREDENTIALS.c.user_id == user_id).values(totp_secret=secret)
        )

    def set_active(self, user_id: str, active: bool) -> None:
        self._session.execute(update(USERS).where(USERS.c.user_id == user_id).values(active=active))

    # Sign-in attempts.

    def add_attempt(self, user_id: str, at: datetime, succeeded: bool) -> None:
        self._session.execute(insert(ATTEMPTS).values(user_id=user_id, at=at, succeeded=succeeded))

    def attempts_since(self, user_id: str, since: datetime) -> list[Attempt]:
        query = (
            select(ATTEMPTS.c.at, ATTEMPTS.c.succeeded)
            .where(ATTEMPTS.c.user_id == user_id, ATTEMPTS.c.at >= since)
            .order_by(ATTEMPTS.c.id)
        )
        return [Attempt(at, succeeded) for at, succeeded in self._session.execute(query)]

    # Sessions.

    def add_session(self, session: StoredSession) -> None:
        self._session.execute(
            insert(SESSIONS).values(
                token_digest=session.token_digest,
                user_id=session.user_id,
                csrf_token=session.csrf_token,
                created_at=session.created_at,
                last_seen_at=session.last_seen_at,
                ended_at=None,
                end_reason="",
            )
        )

    def session(self, token_digest: str) -> StoredSession | None:
        row = self._session.execute(
            select(SESSIONS).where(SESSIONS.c.token_digest == token_digest)
        ).first()
        if row is None:
            return None
        return StoredSession(
            row.token_digest,
            row.user_id,
            row.csrf_token,
            row.created_at,
            row.last_seen_at,
            row.ended_at,
        )

    def touch_session(self, token_digest: str, at: datetime) -> None:
        self._session.execute(
            update(SESSIONS).where(SESSIONS.c.token_digest == token_digest).values(last_seen_at=at)
        )

    def end_session(self, token_digest: str, at: datetime, reason: str) -> None:
        self._session.execute(
            update(SESSIONS)
            .where(SESSIONS.c.token_digest == token_digest, SESSIONS.c.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
        )

    def end_sessions_of(self, user_id: str, at: datetime, reason: str) -> int:
        result = self._session.execute(
            update(SESSIONS)
            .where(SESSIONS.c.user_id == user_id, SESSIONS.c.ended_at.is_(None))
            .values(ended_at=at, end_reason=reason)
            .returning(SESSIONS.c.token_digest)
        )
        return len(result.all())

    # Audit log.

    def lock_audit(self) -> None:
        """Serialize appends, so each new record links to the true last one."""
        if self._postgres:
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY}
            )
        else:
            self._session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})

    def last_audit_hash(self) -> str:
        query = select(AUDIT.c.row_hash).order_by(AUDIT.c.id.desc()).limit(1)
        return self._session.execute(query).scalar_one_or_none() or GENESIS

    def append_audit(self, record: AuditRecord, prev_hash: str, row_hash: str) -> None:
        self._session.execute(
            insert(AUDIT).values(
                at=record.at,
                user_id=record.user_id,
                patient_account=record.patient_account,
                action=record.action,
                target=record.target,
                outcome=record.outcome,
                detail=record.detail,
                prev_hash=prev_hash,
                row_hash=row_hash,
            )
        )

    def audit_records(
        self, *, after_id: int = 0, limit: int | None = None, newest_first: bool = False
    ) -> list[StoredRecord]:
        order = AUDIT.c.id.desc() if newest_first else AUDIT.c.id
        query = select(AUDIT).where(AUDIT.c.id > after_id).order_by(order)
        if limit is not None:
            query = query.limit(limit)
        return [self._stored(row) for row in self._session.execute(query)]

    def audit_of_patient(self, patient_account: str) -> list[StoredRecord]:
        query = select(AUDIT).where(AUDIT.c.patient_account == patient_account).order_by(AUDIT.c.id)
        return [self._stored(row) for row in self._session.execute(query)]

    @staticmethod
    def _stored(row: Any) -> StoredRecord:
        record = AuditRecord(
            row.at,
            row.user_id,
            row.patient_account,
            row.action,
            row.target,
            row.outcome,
            row.detail,
        )
        return StoredRecord(row.id, record, row.prev_hash, row.row_hash)

    # Search.

    def find_patients(self, term: str, limit: int) -> list[PatientHit]:
        """Patients whose account or last name starts with ``term`` (any case)."""
        like = _like(term.lower())
        query = (
            select(
                PatientRow.account,
                PatientRow.last_name,
                PatientRow.first_name,
                PatientRow.birth_date,
            )
            .where(
                or_(
                    func.lower(PatientRow.account).like(like, escape="\\"),
                    func.lower(PatientRow.last_name).like(like, escape="\\"),
                )
            )
            .order_by(PatientRow.last_name, PatientRow.first_name, PatientRow.account)
            .limit(limit)
        )
        return [PatientHit(*row) for row in self._session.execute(query)]

    def find_claims(self, term: str, limit: int) -> list[ClaimHit]:
        """Claims whose id, payer claim number or patient account starts with ``term``."""
        like = _like(term)
        query = (
            select(
                ClaimRow.claim_id,
                EncounterRow.patient_account,
                ClaimRow.payer_id,
                PayerRow.name,
                ClaimRow.status,
                EncounterRow.date_of_service,
            )
            .join(EncounterRow, EncounterRow.encounter_id == ClaimRow.encounter_id)
            .join(PayerRow, PayerRow.payer_id == ClaimRow.payer_id)
            .where(
                or_(
                    ClaimRow.claim_id.like(like, escape="\\"),
                    ClaimRow.payer_claim_number.like(like, escape="\\"),
                    EncounterRow.patient_account.like(like, escape="\\"),
                )
            )
            .order_by(ClaimRow.claim_id)
            .limit(limit)
        )
        return [ClaimHit(*row) for row in self._session.execute(query)]

    def claims_of_patient(self, patient_account: str) -> list[ClaimHit]:
        query = (
            select(
                ClaimRow.claim_id,
                EncounterRow.patient_account,
                ClaimRow.payer_id,
                PayerRow.name,
                ClaimRow.status,
                EncounterRow.date_of_service,
            )
            .join(EncounterRow, EncounterRow.encounter_id == ClaimRow.encounter_id)
            .join(PayerRow, PayerRow.payer_id == ClaimRow.payer_id)
            .where(EncounterRow.patient_account == patient_account)
            .order_by(EncounterRow.date_of_service.desc(), ClaimRow.claim_id)
        )
        return [ClaimHit(*row) for row in self._session.execute(query)]

    def patient_of_claim(self, claim_id: str) -> str | None:
        query = (
            select(EncounterRow.patient_account)
            .join(ClaimRow, ClaimRow.encounter_id == EncounterRow.encounter_id)
            .where(ClaimRow.claim_id == claim_id)
        )
        return self._session.execute(query).scalar_one_or_none()

    # Corrections of a held or rejected claim's data (the desk's fix form).

    def set_member(self, coverage_id: str, member_id: str, group_number: str) -> None:
        self._session.execute(
            update(COVERAGES)
            .where(COVERAGES.c.coverage_id == coverage_id)
            .values(member_id=member_id, group_number=group_number)
        )

    def set_diagnoses(self, encounter_id: str, codes: Sequence[str]) -> None:
        self._session.execute(delete(DIAGNOSES).where(DIAGNOSES.c.encounter_id == encounter_id))
        self._session.execute(
            insert(DIAGNOSES),
            [
                {"encounter_id": encounter_id, "position": n, "code": code}
                for n, code in enumerate(codes, start=1)
            ],
        )

    def set_line_coding(
        self,
        encounter_id: str,
        line_number: int,
        modifiers: Sequence[str],
        pointers: Sequence[int],
    ) -> None:
        padded_modifiers = [*modifiers, "", "", "", ""][:4]
        padded_pointers: list[int | None] = [*pointers, None, None, None][:4]
        self._session.execute(
            update(LINES)
            .where(LINES.c.encounter_id == encounter_id, LINES.c.line_number == line_number)
            .values(
                modifier1=padded_modifiers[0],
                modifier2=padded_modifiers[1],
                modifier3=padded_modifiers[2],
                modifier4=padded_modifiers[3],
                pointer1=padded_pointers[0],
                pointer2=padded_pointers[1],
                pointer3=padded_pointers[2],
                pointer4=padded_pointers[3],
            )
        )

    def claim_hits(self, claim_ids: Sequence[str]) -> list[ClaimHit]:
        found: list[ClaimHit] = []
        for chunk in chunks(list(claim_ids)):
            found += [
                ClaimHit(
                    row.claim_id,
                    row.patient_account,
                    row.payer_id,
                    row.name,
                    row.status,
                    row.date_of_service,
                )
                for row in self._session.execute(
                    select(
                        CLAIMS.c.claim_id,
                        ENCOUNTERS.c.patient_account,
                        CLAIMS.c.payer_id,
                        PAYERS.c.name,
                        CLAIMS.c.status,
                        ENCOUNTERS.c.date_of_service,
                    )
                    .join(ENCOUNTERS, ENCOUNTERS.c.encounter_id == CLAIMS.c.encounter_id)
                    .join(PAYERS, PAYERS.c.payer_id == CLAIMS.c.payer_id)
                    .where(CLAIMS.c.claim_id.in_(chunk))
                )
            ]
        return sorted(found, key=lambda hit: hit.claim_id)

    # Where a claim's remittances came from (the raw 835 view).

    def remit_files_of_claim(self, claim_id: str) -> list[str]:
        query = (
            select(REMIT_FILES.c.name)
            .join(REMITTANCES, REMITTANCES.c.file_sha256 == REMIT_FILES.c.sha256)
            .join(PAYMENTS, PAYMENTS.c.remittance_id == REMITTANCES.c.remittance_id)
            .where(PAYMENTS.c.claim_id == claim_id)
            .distinct()
            .order_by(REMIT_FILES.c.name)
        )
        return list(self._session.execute(query).scalars())
