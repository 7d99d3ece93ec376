"""Composite values several transactions carry alike: references, qualified dates, amounts and
quantities, CAS adjustments, procedure composites, NM1 names and TRN traces.

The 835, 837, 270/271 and 276/277 readers all give these back, and the 835 writer takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from claimdesk.domain.money import Money
from claimdesk.edi.x12.codes import AdjustmentGroup


@dataclass(frozen=True, slots=True)
class Reference:
    qualifier: str  # REF01
    value: str  # REF02


@dataclass(frozen=True, slots=True)
class QualifiedDate:
    qualifier: str  # DTM01, e.g. 232 statement from, 472 service date
    value: date


@dataclass(frozen=True, slots=True)
class QualifiedAmount:
    qualifier: str  # AMT01, e.g. AU coverage amount, B6 allowed
    amount: Money


@dataclass(frozen=True, slots=True)
class QualifiedQuantity:
    qualifier: str  # QTY01
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One CAS reason/amount/quantity triplet; ``reason`` is a CARC (an open code set)."""

    group: AdjustmentGroup
    reason: str
    amount: Money
    quantity: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Procedure:
    """A composite procedure id (SVC01/SVC06): qualifier (HC, AD, NU, ...), code and modifiers."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class EntityName:
    """NM1: a person or organization named on a claim."""

    entity: str  # NM101: QC patient, IL insured, 74 corrected insured, 82 rendering, TT crossover
    entity_type: str  # NM102: 1 person, 2 non-person
    last_or_organization: str
    first: str = ""
    middle: str = ""
    suffix: str = ""
    id_qualifier: str = ""  # NM108
    id: str = ""  # NM109


@dataclass(frozen=True, slots=True)
class Trace:
    """TRN: TRN02 is the check or EFT trace number that identifies the payment."""

    type_code: str
    number: str
    originator: str  # TRN03: payer's company id
    originator_supplemental: str = ""  # TRN04
