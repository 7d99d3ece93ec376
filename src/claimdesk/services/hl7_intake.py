"""Take one HL7 v2 message from the EHR: store it by its control id, apply what it brings in
the same transaction, and answer with the acknowledgment.

- Applied (AA): the message's records are stored as a bundle import of those rows would store
  them (``store_bundle``), with the message, in one transaction.
- Kept but not applied (AE): the message is stored with where and why, nothing of it is
  applied, and Tier 1 gets an "interface error" item naming the segment and field.
- Refused (AR): a message claimdesk cannot take (no header, separators, type, event, version,
  an unconfigured sender, a control id reused for another message) is not stored.

The same message sent again (same sender, control id and text) changes nothing once applied;
one kept with an error is tried again, so a fix on claimdesk's side (a provider added, the
mapping corrected) lets the EHR's resend through, and closes the item.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from claimdesk.domain.encounters import EncounterError
from claimdesk.domain.money import Money
from claimdesk.domain.work import HistoryEvent, Problem, WorkKind
from claimdesk.hl7.ack import AckCode, acknowledgment
from claimdesk.hl7.charges import added_to
from claimdesk.hl7.mapping import SenderMapping
from claimdesk.hl7.message import (
    Code,
    Header,
    Location,
    Message,
    MessageRefusedError,
    read_header,
)
from claimdesk.hl7.message import Problem as MessageProblem
from claimdesk.hl7.read import CHARGES, Intake, accepted, read_intake
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.routing.triage import new_item
from claimdesk.services.import_bundle import ImportReport, store_bundle
from claimdesk.services.import_run import BundleImportError
from claimdesk.services.practice import practice_date
from claimdesk.store.repositories.interface_messages import StoredMessage
from claimdesk.store.uow import UnitOfWork

INTERFACE = "hl7"
CATEGORY = "interface"
PROBLEM_PREFIX = "hl7:"
APPLIED = "applied"
ERROR = "error"
# Kept with an error, then made moot by a later message for the same visit or registration.
SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class Taken:
    """What became of one message, and the acknowledgment to send back."""

    ack: str
    code: AckCode
    outcome: str  # applied, error, rejected, already applied
    control_id: str
    message_type: str
    problems: tuple[MessageProblem, ...] = ()
    report: ImportReport | None = None


class _OnFile:
    """The practice's records, asked while the message is read (``hl7.directory``)."""

    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self._uow = uow
        self._today = practice_date(uow, now)

    def today(self) -> date:
        return self._today

    def fee(self, code: str, modifier: str, day: date) -> Money | None:
        item = self._uow.fee_schedule.get(code, day, modifier) or self._uow.fee_schedule.get(
            code, day
        )
        return None if item is None else item.charge

    def visit_owner(self, encounter_id: str) -> str | None:
        # The visit's header alone: its lines and diagnoses are not needed to know its patient.
        header = self._uow.imports.stored("encounters", [(encounter_id,)]).get((encounter_id,))
        return None if header is None else str(header["patient_account"])

    def coverage_owner(self, coverage_id: str) -> str | None:
        coverage = self._uow.coverages.get(coverage_id)
        return None if coverage is None else coverage.patient_account

    def place_of_service(self, facility_id: str) -> str | None:
        facility = self._uow.facilities.get(facility_id)
        return None if facility is None else facility.place_of_service

    def has_provider(self, npi: str) -> bool:
        return self._uow.providers.get(npi) is not None

    def has_payer(self, payer_id: str) -> bool:
        return self._uow.payers.get(payer_id) is not None

    def has_patient(self, account: str) -> bool:
        return self._uow.patients.get(account) is not None


def problem_key(header: Header) -> str:
    return f"{PROBLEM_PREFIX}{header.sender}:{header.control_id}"


def _refused(header: Header | None, problem: MessageProblem, now: datetime) -> Taken:
    return Taken(
        acknowledgment(header, AckCode.REJECTED, [problem], now=now),
        AckCode.REJECTED,
        "rejected",
        header.control_id if header is not None else "",
        header.kind if header is not None else "",
        (problem,),
    )


def refused_for(text: str, reason: str, now: datetime) -> Taken:
    """``text`` refused whatever it holds (the practice's hl7.toml is wrong): an AR that still
    names the message's control id when its header can be read."""
    try:
        header: Header | None = read_header(text).header
    except MessageRefusedError as exc:
        header = exc.header
    return _refused(
        header, MessageProblem(Location("MSH", field=4), reason, Code.INTERNAL_ERROR), now
    )


def take_message(
    uow_factory: Callable[[], UnitOfWork],
    text: str,
    *,
    mappings: Mapping[str, SenderMapping],
    policy: RoutingPolicy,
    user: str,
    now: datetime,
) -> Taken:
    """Take ``text``, one message, and say what became of it (never raises for its content)."""
    try:
        message = read_header(text)
        mapping = accepted(message, dict(mappings))
    except MessageRefusedError as exc:
        return _refused(exc.header, exc.problem, now)
    digest = hashlib.sha256(message.content.encode()).hexdigest()
    for _ in range(2):
        try:
            return _take(uow_factory, message, mapping, digest, policy=policy, user=user, now=now)
        except IntegrityError:
            # The same message reached another connection first; the next round finds it.
            continue
    raise RuntimeError(f"message {message.header.control_id}: could not be stored")


def _take(
    uow_factory: Callable[[], UnitOfWork],
    message: Message,
    mapping: SenderMapping,
    digest: str,
    *,
    policy: RoutingPolicy,
    user: str,
    now: datetime,
) -> Taken:
    header = message.header
    with uow_factory() as uow:
        # The import audits what it changes: its lock comes first, as in every import.
        uow.audit.lock()
        stored = uow.interface_messages.find(INTERFACE, header.sender, header.control_id)
        if stored is not None and stored.sha256 != digest:
            return _refused(
                header,
                MessageProblem(
                    Location("MSH", field=10),
                    f"control id {header.control_id!r} was taken on "
                    f"{stored.received_at:%Y-%m-%d} for another message",
                    Code.DUPLICATE_KEY,
                ),
                now,
            )
        if stored is not None and stored.status == SUPERSEDED:
            # Never applied, and a later message now states the same records: not applied now.
            moot = MessageProblem(
                Location("MSH", field=10), stored.error_reason or SUPERSEDED, Code.DUPLICATE_KEY
            )
            return Taken(
                acknowledgment(header, AckCode.ERROR, [moot], now=now),
                AckCode.ERROR,
                SUPERSEDED,
                header.control_id,
                header.kind,
                (moot,),
            )
        if stored is not None and stored.status == APPLIED:
            return Taken(
                acknowledgment(header, AckCode.ACCEPTED, now=now),
                AckCode.ACCEPTED,
                "already applied",
                header.control_id,
                header.kind,
            )
        intake = _added(uow, mapping, read_intake(message, mapping, _OnFile(uow, now)))
        if intake.bundle is not None:
            try:
                report = store_bundle(
                    uow,
                    intake.bundle,
                    source=f"hl7 {header.sender} {header.control_id}",
                    files_sha256=digest,
                    user=user,
                    now=now,
                )
            except BundleImportError as exc:
                uow.rollback()
                intake = replace(intake, problems=(MessageProblem(Location("MSH"), str(exc)),))
            else:
                _record(uow, stored, message, digest, intake, APPLIED, now, report.import_id)
                _solve(uow, header, user, now, "the resend was applied")
                _supersede(uow, message, intake, user, now)
                uow.commit()
                return Taken(
                    acknowledgment(header, AckCode.ACCEPTED, now=now),
                    AckCode.ACCEPTED,
                    APPLIED,
                    header.control_id,
                    header.kind,
                    report=report,
                )
    with uow_factory() as uow:
        stored = uow.interface_messages.find(INTERFACE, header.sender, header.control_id)
        _record(uow, stored, message, digest, intake, ERROR, now, None)
        _open_item(uow, header, intake, policy, user, now)
        uow.commit()
    return Taken(
        acknowledgment(header, AckCode.ERROR, intake.problems, now=now),
        AckCode.ERROR,
        ERROR,
        header.control_id,
        header.kind,
        intake.problems,
    )


def _added(uow: UnitOfWork, mapping: SenderMapping, intake: Intake) -> Intake:
    """For a sender whose DFTs each add charges to a visit, the visit on file with the message's
    lines added; else what the message states."""
    if not mapping.adds_charges or intake.bundle is None or not intake.bundle.encounters:
        return intake
    [sent] = intake.bundle.encounters
    on_file = uow.encounters.get(sent.encounter_id)
    if on_file is None:
        return intake
    try:
        visit = added_to(on_file, sent)
    except EncounterError as exc:
        problem = MessageProblem(Location("DG1"), str(exc), Code.DATA_TYPE)
        return replace(intake, bundle=None, problems=(problem,))
    return replace(intake, bundle=replace(intake.bundle, encounters=(visit,)))


def _record(
    uow: UnitOfWork,
    stored: StoredMessage | None,
    message: Message,
    digest: str,
    intake: Intake,
    status: str,
    now: datetime,
    import_id: str | None,
) -> None:
    header = message.header
    first = intake.problems[0] if intake.problems else None
    row = StoredMessage(
        interface=INTERFACE,
        sender=header.sender,
        control_id=header.control_id,
        message_type=header.kind,
        received_at=now,
        status=status,
        ack_code=(AckCode.ACCEPTED if status == APPLIED else AckCode.ERROR).value,
        sha256=digest,
        body=message.text,
        error_location=str(first.location) if first is not None else None,
        error_reason="; ".join(str(p) for p in intake.problems) or None,
        patient_account=intake.patient_account,
        import_id=import_id,
    )
    if stored is None or stored.message_id is None:
        uow.interface_messages.add(row)
    else:
        uow.interface_messages.settle(stored.message_id, row)


def _open_item(
    uow: UnitOfWork,
    header: Header,
    intake: Intake,
    policy: RoutingPolicy,
    user: str,
    now: datetime,
) -> None:
    key = problem_key(header)
    if uow.work_items.active_without_claim(key):
        return
    where = "; ".join(str(p) for p in intake.problems)
    problem = Problem(
        kind=WorkKind.INTERFACE_ERROR,
        category=CATEGORY,
        problem_key=key,
        amount_at_stake=intake.amount,
        patient_account=intake.patient_account,
        summary=(
            f"{header.kind} {header.control_id} from {header.sender} was not applied: {where}. "
            "Fix: correct it in the EHR and send it again, or fix claimdesk's records or "
            "hl7.toml and ask the EHR to resend it."
        ),
    )
    item = new_item(
        problem,
        failures=1,
        now=now,
        today=practice_date(uow, now),
        by=user,
        policy=policy,
        history=uow.work_items.recovery_history(),
    )
    uow.work_items.add(item)


def _solve(uow: UnitOfWork, header: Header, user: str, now: datetime, why: str) -> None:
    """A message kept with an error that has nothing left to do: its item is solved."""
    key = problem_key(header)
    for item in uow.work_items.without_claim_prefixed(key):
        if item.problem_key != key or not item.active:
            continue
        event = item.solve(user, now)
        note = HistoryEvent(now, user, "note", item.status, item.status, why)
        uow.work_items.update(item, [event, note])


def _visit_of(message: Message) -> str:
    return message.value(Location("PV1", field=19, component=1))


def _supersede(uow: UnitOfWork, applied: Message, intake: Intake, user: str, now: datetime) -> None:
    """The EHR sent the corrected record under a new control id: the patient's earlier messages
    for the same visit (a DFT) or registration (ADT, BAR) that were not applied are moot."""
    if intake.patient_account is None:
        return
    charges = applied.header.message_type in CHARGES
    why = f"superseded by {applied.header.kind} {applied.header.control_id}, applied"
    for kept in uow.interface_messages.kept_with_errors(INTERFACE, intake.patient_account):
        earlier = read_header(kept.body)
        if (earlier.header.message_type in CHARGES) != charges or (
            charges and _visit_of(earlier) != _visit_of(applied)
        ):
            continue
        if kept.message_id is not None:
            uow.interface_messages.settle(
                kept.message_id, replace(kept, status=SUPERSEDED, error_reason=why)
            )
        _solve(uow, earlier.header, user, now, why)
