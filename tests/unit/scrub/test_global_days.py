"""COD014 with global surgery days (MPFS global indicator): an E/M the day of, or the day before,
a major surgery (090) that decided on the surgery takes modifier 57; with a minor procedure
(000 or 010, and injections NCCI treats alike) it takes modifier 25."""

from __future__ import annotations

from datetime import timedelta

import pytest

from claimdesk.scrub import examples as ex
from claimdesk.scrub.context import ScrubContext
from claimdesk.scrub.engine import Scrubber
from claimdesk.scrub.global_days import GlobalPeriod, shipped_global_days

SCRUBBER = Scrubber.default()


def _findings(ctx: ScrubContext) -> list[str]:
    return [i.message for i in SCRUBBER.rule("COD014").check(ctx)]


def _visit_with(
    base: ScrubContext, procedure: str, em_modifiers: tuple[str, ...], days_before: int = 0
) -> ScrubContext:
    """99213 (line 1, with ``em_modifiers``) and ``procedure`` ``days_before`` days later."""
    day = base.claim.encounter.date_of_service + timedelta(days=days_before)
    ctx = ex.add_line(base, procedure, modifiers=("RT",), date_of_service=day)
    return ex.line(ctx, 1, modifiers=em_modifiers)


CASES = [
    # 27447 (total knee arthroplasty) has 90 global days: the visit that decided it takes 57.
    pytest.param("27447", ("57",), 0, [], id="99213-57 with 27447 same day"),
    pytest.param("27447", ("57",), 1, [], id="99213-57 the day before 27447"),
    pytest.param("27447", (), 0, ["needs modifier 57"], id="99213 bare with 27447"),
    pytest.param("27447", ("25",), 0, ["needs modifier 57"], id="99213-25 with 27447: 57 is right"),
    pytest.param("27447", ("25",), 1, ["needs modifier 57"], id="99213-25 the day before 27447"),
    # 20610 (joint injection) has 0 global days: minor, so 25.
    pytest.param("20610", ("25",), 0, [], id="99213-25 with 20610"),
    pytest.param("20610", (), 0, ["has no modifier 25"], id="99213 bare with 20610"),
    pytest.param(
        "20610", ("57",), 0, ["has no modifier 25"], id="99213-57 with 20610: 25 is right"
    ),
    # 10060 (incision and drainage) has 10 global days: minor, so 25.
    pytest.param("10060", ("25",), 0, [], id="99213-25 with 10060"),
    pytest.param("10060", ("57",), 0, ["has no modifier 25"], id="99213-57 with 10060"),
    # A minor procedure the next day has no bearing on today's visit.
    pytest.param("20610", (), 1, [], id="99213 the day before 20610"),
]


@pytest.mark.parametrize(("procedure", "modifiers", "days_before", "expected"), CASES)
def test_the_em_modifier_follows_the_procedures_global_period(
    base: ScrubContext,
    procedure: str,
    modifiers: tuple[str, ...],
    days_before: int,
    expected: list[str],
) -> None:
    found = _findings(_visit_with(base, procedure, modifiers, days_before))
    assert len(found) == len(expected), found
    for message, part in zip(found, expected, strict=True):
        assert part in message


def test_the_catalog_procedures_have_their_global_period() -> None:
    table = shipped_global_days()
    # Every procedure of the synthetic practice's fee schedule that is not an E/M or a drug.
    assert table.period("20610") is GlobalPeriod.ZERO
    assert table.period("96372") is GlobalPeriod.NOT_APPLICABLE
    assert table.period("27447") is GlobalPeriod.MAJOR
    assert table.period("10060") is GlobalPeriod.TEN
    assert table.period("99999") is None
    for row in table.rows.values():
        assert row.source.strip()
