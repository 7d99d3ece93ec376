"""Problems found in X12 data, as data: where (segment, loop, element) and what (a 999-style code).

Readers report what is wrong with a file as :class:`X12Finding` values next to the records they
could still read. Only input that cannot be read as X12 at all (no ISA, unreadable delimiters) is
refused, with :class:`X12Error`, which carries the same location data.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TypeAlias

from claimdesk.edi.x12.codes import (
    ElementSyntaxError,
    FunctionalGroupError,
    InterchangeNote,
    SegmentSyntaxError,
    TransactionSetError,
)

X12ErrorCode: TypeAlias = (
    SegmentSyntaxError
    | ElementSyntaxError
    | TransactionSetError
    | FunctionalGroupError
    | InterchangeNote
)


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """Where in an interchange something was found.

    ``segment_position`` counts segments from 1 at the ISA of the interchange; ``element_position``
    and ``component_position`` count from 1 as in X12 references (CLP04 is element 4).
    """

    segment_position: int | None = None
    segment_id: str | None = None
    loop_id: str | None = None
    element_position: int | None = None
    component_position: int | None = None
    interchange_index: int = 1

    def __str__(self) -> str:
        parts: list[str] = []
        if self.interchange_index != 1:
            parts.append(f"interchange {self.interchange_index}")
        if self.segment_position is not None:
            parts.append(f"segment {self.segment_position}")
        if self.segment_id:
            ref = self.segment_id
            if self.element_position is not None:
                ref += f"{self.element_position:02d}"
                if self.component_position is not None:
                    ref += f"-{self.component_position}"
            parts.append(ref)
        if self.loop_id:
            parts.append(f"loop {self.loop_id}")
        return ", ".join(parts) if parts else "start of input"


@dataclass(frozen=True, slots=True)
class X12Finding:
    """One problem in X12 data.

    ``rule`` is a stable identifier for software (``envelope.se_count``, ``835.balance.claim``);
    ``code`` is the 999/TA1 code that would report the problem to the sender, or ``None`` for
    business rules that acknowledgments cannot express (such as 835 balancing).
    """

    rule: str
    message: str
    location: Location
    code: X12ErrorCode | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        code = f" [{type(self.code).__name__} {self.code.value}]" if self.code is not None else ""
        return f"{self.location}: {self.message}{code}"


class X12Error(Exception):
    """Input that cannot be read as X12 at all; the finding says where and why."""

    def __init__(self, finding: X12Finding) -> None:
        super().__init__(str(finding))
        self.finding = finding

    @property
    def location(self) -> Location:
        return self.finding.location


def has_errors(findings: tuple[X12Finding, ...] | list[X12Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
