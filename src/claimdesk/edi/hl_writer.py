"""Writing helpers shared by the hierarchical (HL) transactions we send or answer: 270, 271, 276.

Each opens with a BHT, then the payer as the information source (HL03 20, loop 2000A/2100A);
the 270 and 271 put the provider under it as the information receiver (HL03 21, loop 2000B).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from claimdesk.domain.payers import Payer
from claimdesk.domain.providers import Provider
from claimdesk.edi.writer import (
    Envelope,
    SegmentWriter,
    date8,
    time4,
    transaction_control_number,
)
from claimdesk.edi.x837 import provider_name

Item = TypeVar("Item")


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
