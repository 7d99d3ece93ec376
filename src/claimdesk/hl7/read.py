"""Which messages claimdesk takes, and what each one becomes: the records of a practice bundle.

Registration (ADT A01/A04/A05/A08/A28/A31, BAR P01/P05) gives a patient, their guarantor and
coverages; charges (DFT P03) give a visit. Any other type or event is refused (AR), as is a
message from a sending facility the configuration does not name.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimdesk.bundle.cells import CellError, parse_money
from claimdesk.bundle.model import PracticeBundle
from claimdesk.domain.money import Money
from claimdesk.hl7.charges import CHARGE, read_charges
from claimdesk.hl7.directory import Directory
from claimdesk.hl7.mapping import SenderMapping
from claimdesk.hl7.message import Code, Location, Message, MessageRefusedError, Problem
from claimdesk.hl7.registration import read_registration

REGISTRATION = {"ADT": ("A01", "A04", "A05", "A08", "A28", "A31"), "BAR": ("P01", "P05")}
CHARGES = {"DFT": ("P03",)}


@dataclass(frozen=True, slots=True)
class Intake:
    """What a message brings, as bundle records, or why it cannot be applied."""

    bundle: PracticeBundle | None
    patient_account: str | None
    amount: Money  # the charges at stake when it cannot be applied
    problems: tuple[Problem, ...] = ()


def accepted(message: Message, mappings: dict[str, SenderMapping]) -> SenderMapping:
    """The sender's mapping; :class:`MessageRefusedError` (AR) for what claimdesk does not take."""
    header = message.header
    events = {**REGISTRATION, **CHARGES}.get(header.message_type)
    if events is None:
        raise MessageRefusedError(
            Problem(
                Location("MSH", field=9, component=1),
                f"message type {header.message_type!r} is not one claimdesk takes "
                f"({', '.join(sorted({**REGISTRATION, **CHARGES}))})",
                Code.UNSUPPORTED_MESSAGE_TYPE,
            ),
            header,
        )
    if header.event not in events:
        raise MessageRefusedError(
            Problem(
                Location("MSH", field=9, component=2),
                f"event {header.message_type}^{header.event} is not one claimdesk takes "
                f"({', '.join(f'{header.message_type}^{e}' for e in events)})",
                Code.UNSUPPORTED_EVENT,
            ),
            header,
        )
    mapping = mappings.get(header.sender)
    if mapping is None:
        raise MessageRefusedError(
            Problem(
                Location("MSH", field=4),
                f"sending facility {header.sender!r} is not configured (hl7.toml)",
                Code.UNKNOWN_KEY,
            ),
            header,
        )
    return mapping


def read_intake(message: Message, mapping: SenderMapping, directory: Directory) -> Intake:
    header = message.header
    if header.message_type in CHARGES:
        charges, problems = read_charges(message, mapping, directory)
        if charges is None:
            return Intake(None, _account(message), _charged(message), tuple(problems))
        encounter = charges.encounter
        return Intake(
            PracticeBundle(encounters=(encounter,)), encounter.patient_account, charges.total
        )
    registration, problems = read_registration(message, mapping, directory)
    if registration is None:
        return Intake(None, _account(message), Money.zero(), tuple(problems))
    return Intake(
        PracticeBundle(
            guarantors=(registration.guarantor,) if registration.guarantor is not None else (),
            patients=(registration.patient,),
            coverages=registration.coverages,
        ),
        registration.patient.account,
        Money.zero(),
    )


def _account(message: Message) -> str | None:
    """The patient the message is about, for the work item, when it can be read at all."""
    return message.value(Location("PID", field=3, component=1)) or None


def _charged(message: Message) -> Money:
    """The charges a DFT that cannot be applied puts at stake: its readable FT1-11 amounts."""
    total = Money.zero()
    for sequence in range(1, message.count("FT1") + 1):
        if message.value(Location("FT1", sequence, 6)) != CHARGE:
            continue
        try:
            total += parse_money(message.value(Location("FT1", sequence, 11, 1)))
        except CellError:
            continue
    return total
