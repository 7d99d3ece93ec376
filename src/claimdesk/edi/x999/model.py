"""The 999 as typed records: what :mod:`claimdesk.edi.x999.read` gives back and
:mod:`claimdesk.edi.x999.write` takes, so ``read_999(write_999(acks))`` gives ``acks`` back.

A 999 (005010X231A1) answers one functional group (AK1) with one AK2 loop per transaction set,
each carrying segment errors (IK3, with CTX context), element errors (IK4) and a verdict (IK5);
AK9 is the verdict on the group. A TA1 answers an interchange and sits between ISA and IEA,
outside any group; claimdesk reads TA1s but does not write them.

Where an acknowledgment was read from is metadata, not content: its ST02, interchange and
findings default to nothing and take no part in equality, so an acknowledgment built to be
written equals the one read back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from claimdesk.edi.x12.codes import (
    AcknowledgmentStatus,
    ElementSyntaxError,
    FunctionalGroupError,
    InterchangeAcknowledgmentCode,
    InterchangeNote,
    SegmentSyntaxError,
    TransactionSetError,
)
from claimdesk.edi.x12.envelope import Envelopes
from claimdesk.edi.x12.errors import X12Finding

IMPLEMENTATION = "005010X231A1"


@dataclass(frozen=True, slots=True)
class ErrorContext:
    """CTX: business context (name/reference) or the segment context of an error."""

    name: str  # CTX01-1, e.g. CLM01 or SITUATIONAL TRIGGER
    reference: str  # CTX01-2
    segment_id: str = ""  # CTX02
    segment_position: int | None = None  # CTX03
    loop_id: str = ""  # CTX04


@dataclass(frozen=True, slots=True)
class ElementError:
    """IK4: an element in error, positions as in the acknowledged transaction set."""

    position: int | None  # IK401-1
    component: int | None  # IK401-2
    repetition: int | None  # IK401-3
    reference_number: str  # IK402: data element reference number
    code: ElementSyntaxError | None  # IK403
    bad_value: str  # IK404
    contexts: tuple[ErrorContext, ...] = ()


@dataclass(frozen=True, slots=True)
class SegmentError:
    """IK3: a segment in error; ``position`` counts from the ST of the acknowledged set (ST = 1)."""

    segment_id: str  # IK301
    position: int | None  # IK302
    loop_id: str  # IK303
    code: SegmentSyntaxError | None  # IK304
    contexts: tuple[ErrorContext, ...] = ()
    element_errors: tuple[ElementError, ...] = ()


@dataclass(frozen=True, slots=True)
class TransactionSetAck:
    """AK2..IK5: the receiver's verdict on one transaction set it received."""

    transaction_set_id: str  # AK201
    control_number: str  # AK202: ST02 of the acknowledged set
    implementation: str  # AK203
    status: AcknowledgmentStatus | None  # IK501
    errors: tuple[TransactionSetError, ...]  # IK502..IK506
    segment_errors: tuple[SegmentError, ...]

    @property
    def accepted(self) -> bool:
        return self.status is not None and self.status.is_accepted

    @property
    def rejected(self) -> bool:
        return not self.accepted


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    """One 999 transaction set: the answer to one functional group (AK1..AK9)."""

    functional_id: str  # AK101: GS01 of the group, HC for 837, HS for 270, ...
    group_control_number: str  # AK102: GS06 of the acknowledged group
    version: str  # AK103: its GS08
    status: AcknowledgmentStatus | None  # AK901
    included: int | None  # AK902: transaction sets included in the group
    received: int | None  # AK903
    accepted_count: int | None  # AK904
    errors: tuple[FunctionalGroupError, ...]  # AK905..AK909
    transaction_sets: tuple[TransactionSetAck, ...]
    control_number: str = field(default="", compare=False)  # ST02 of the 999
    interchange_index: int = field(default=0, compare=False)
    findings: tuple[X12Finding, ...] = field(default=(), compare=False)

    @property
    def accepted(self) -> bool:
        return self.status is not None and self.status.is_accepted

    @classmethod
    def of_sets(
        cls,
        functional_id: str,
        group_control_number: str,
        version: str,
        transaction_sets: Sequence[TransactionSetAck],
        errors: tuple[FunctionalGroupError, ...] = (),
    ) -> Acknowledgment:
        """The answer to a group whose transaction sets were all received: AK9 follows from
        the verdicts on them and the group's own errors."""
        sets = tuple(transaction_sets)
        accepted = sum(1 for ts in sets if ts.accepted)
        return cls(
            functional_id=functional_id,
            group_control_number=group_control_number,
            version=version,
            status=_group_status(sets, accepted, errors),
            included=len(sets),
            received=len(sets),
            accepted_count=accepted,
            errors=errors,
            transaction_sets=sets,
        )


def _group_status(
    sets: tuple[TransactionSetAck, ...], accepted: int, errors: tuple[FunctionalGroupError, ...]
) -> AcknowledgmentStatus:
    """AK901: accepted, accepted with errors, partially accepted or rejected."""
    if accepted == 0 and (errors or sets):
        return AcknowledgmentStatus.REJECTED
    if accepted < len(sets):
        return AcknowledgmentStatus.PARTIALLY_ACCEPTED
    if errors or any(ts.status is AcknowledgmentStatus.ACCEPTED_WITH_ERRORS for ts in sets):
        return AcknowledgmentStatus.ACCEPTED_WITH_ERRORS
    return AcknowledgmentStatus.ACCEPTED


@dataclass(frozen=True, slots=True)
class InterchangeAck:
    """TA1: the receiver's verdict on an interchange envelope."""

    control_number: str  # TA101: ISA13 of the acknowledged interchange
    date: date | None  # TA102
    time: str  # TA103
    code: InterchangeAcknowledgmentCode | None  # TA104
    note: InterchangeNote | None  # TA105

    @property
    def accepted(self) -> bool:
        return self.code is InterchangeAcknowledgmentCode.ACCEPTED


@dataclass(frozen=True, slots=True)
class AcknowledgmentFile:
    acknowledgments: tuple[Acknowledgment, ...]
    interchange_acks: tuple[InterchangeAck, ...]
    findings: tuple[X12Finding, ...]
    envelopes: Envelopes
