"""Writing helpers shared by the hierarchical (HL) transactions we send or answer: 270, 271, 276.

Each opens with a BHT, then the payer as the information source (HL03 20, loop 2000A/2100A);
the 270 and 271 put the provider under it as the information receiver (HL03 21, loop 2000B).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from claimdesk.domain.coverage import Coverage
from claimdesk.domain.parties import Patient
from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Provider
from claimdesk.edi.x12.provider import provider_name
from claimdesk.edi.x12.writer import (
    Envelope,
    SegmentWriter,
    date8,
    time4,
    transaction_control_number,
)

Item = TypeVar("Item")


@dataclass(frozen=True, slots=True)
class NameLoops:
    """Where a transaction names the subscriber and a dependent patient."""

    subscriber: str  # the subscriber's name loop
    dependent: str  # the dependent's name loop
    patient_entity: str  # the dependent's NM101


ELIGIBILITY_NAMES = NameLoops("2100C", "2100D", "03")  # 270 and 271
CLAIM_STATUS_NAMES = NameLoops("2100D", "2100E", "QC")  # 276


def begin_hierarchy(w: SegmentWriter, envelope: Envelope, structure: str, purpose: str) -> None:
    """BHT: ``structure`` is BHT01 (0022 eligibility, 0010 claim status), ``purpose`` BHT02
    (13 request, 11 response). BHT03 is the interchange and transaction set control numbers."""
    reference = (
        f"{envelope.interchange_control_number:09d}{transaction_control_number(envelope, 0)}"
    )
    w.add("BHT", structure, purpose, reference, date8(envelope.created), time4(envelope.created))


def payer_level(w: SegmentWriter, payer: Payer, hl: int) -> str:
    """Loops 2000A/2100A: ``payer`` as the information source at HL01 ``hl``; returns that id."""
    payer_hl = str(hl)
    record = f"payer {payer.payer_id}"
    w.add("HL", payer_hl, "", "20", "1")
    w.add(
        "NM1",
        "PR",
        "2",
        w.required_text(payer.name, 60, record, "2100A NM103 payer name"),
        "",
        "",
        "",
        "",
        "PI",
        w.identifier(payer.payer_id, 80, record, "2100A NM109 payer id", 2),
    )
    return payer_hl


def payer_and_provider_levels(
    w: SegmentWriter,
    items: Sequence[Item],
    payer: Callable[[Item], Payer],
    provider: Callable[[Item], Provider],
    record: Callable[[Item], str],
    subscriber: Callable[[SegmentWriter, Item, int, str], int],
) -> None:
    """Group ``items`` by payer, then provider (first seen first), and write a payer level, a
    provider level (loop 2000B/2100B) under it, then ``subscriber`` for each item of the group.
    ``subscriber`` gets the last HL id used and the provider's, and returns the last it used."""
    tree: dict[Payer, dict[Provider, list[Item]]] = {}
    for item in items:
        tree.setdefault(payer(item), {}).setdefault(provider(item), []).append(item)
    hl = 0
    for source, by_provider in tree.items():
        hl += 1
        payer_hl = payer_level(w, source, hl)
        for receiver, group in by_provider.items():
            hl += 1
            provider_hl = str(hl)
            w.add("HL", provider_hl, payer_hl, "21", "1")
            provider_name(w, "1P", receiver, record(group[0]), "2100B information receiver")
            for item in group:
                hl = subscriber(w, item, hl, provider_hl)


def subscriber_levels(
    w: SegmentWriter,
    coverage: Coverage,
    patient: Patient,
    dependent: bool,
    hl: int,
    parent: str,
    record: str,
    loops: NameLoops,
    before_patient_name: Callable[[], None],
) -> int:
    """The subscriber level (HL03 22) under ``parent`` and, for a ``dependent``, the dependent
    level (HL03 23) under it, each with its NM1; returns the last HL id used.

    ``loops`` says where the names go. The patient's level
    is the subscriber's own unless ``dependent``; ``before_patient_name`` writes what comes
    between its HL and its NM1 (the 270/271 TRN, the 276 DMG).
    """
    subscriber_loop, dependent_loop = loops.subscriber, loops.dependent
    hl += 1
    subscriber_hl = str(hl)
    w.add("HL", subscriber_hl, parent, "22", "1" if dependent else "0")
    if not dependent:
        before_patient_name()
    subscriber = coverage.subscriber if dependent else None
    last, first, middle = (
        (subscriber.last_name, subscriber.first_name, "")
        if subscriber is not None
        else (patient.last_name, patient.first_name, patient.middle_name)
    )
    w.add(
        "NM1",
        "IL",
        "1",
        w.required_text(last, 60, record, f"{subscriber_loop} NM103 subscriber last name"),
        w.text(first, 35),
        w.text(middle, 25),
        "",
        "",
        "MI",
        w.identifier(coverage.member_id, 80, record, f"{subscriber_loop} NM109 member id", 2),
    )
    if dependent:
        hl += 1
        w.add("HL", str(hl), subscriber_hl, "23", "0")
        before_patient_name()
        w.add(
            "NM1",
            loops.patient_entity,
            "1",
            w.required_text(
                patient.last_name, 60, record, f"{dependent_loop} NM103 patient last name"
            ),
            w.text(patient.first_name, 35),
            w.text(patient.middle_name, 25),
        )
    return hl
