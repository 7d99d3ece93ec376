from datetime import date

import pytest

from claimdesk.domain.coverage import (
    Coverage,
    NetworkTier,
    Priority,
    Relationship,
    Subscriber,
)

EFFECTIVE = date(2024, 1, 1)
TERMINATION = date(2024, 6, 30)


def coverage(
    *,
    effective: date = EFFECTIVE,
    termination: date | None = TERMINATION,
    relationship: Relationship = Relationship.SELF,
    subscriber: Subscriber | None = None,
) -> Coverage:
    return Coverage(
        coverage_id="COV1",
        patient_account="P1",
        payer_id="PAYA",
        plan_name="Gold PPO",
        member_id="M123",
        group_number="G1",
        priority=Priority.PRIMARY,
        relationship=relationship,
        effective=effective,
        termination=termination,
        network_tier=NetworkTier.TIER_1,
        subscriber=subscriber,
    )


@pytest.mark.parametrize(
    ("day", "active"),
    [
        (date(2023, 12, 31), False),
        (EFFECTIVE, True),
        (date(2024, 3, 1), True),
        (TERMINATION, True),
        (date(2024, 7, 1), False),
    ],
)
def test_active_on_includes_both_boundaries(day: date, active: bool) -> None:
    assert coverage().active_on(day) is active


def test_open_ended_coverage_stays_active() -> None:
    open_ended = coverage(termination=None)
    assert open_ended.active_on(date(2099, 12, 31))
    assert not open_ended.active_on(date(2023, 12, 31))


def test_a_one_day_coverage_is_active_on_that_day_only() -> None:
    one_day = coverage(termination=EFFECTIVE)
    assert one_day.active_on(EFFECTIVE)
    assert not one_day.active_on(date(2024, 1, 2))
    assert not one_day.active_on(date(2023, 12, 31))


def test_termination_before_effective_is_refused() -> None:
    with pytest.raises(ValueError, match="coverage COV1: terminates before it is effective"):
        coverage(termination=date(2023, 12, 31))


@pytest.mark.parametrize(
    "relationship", [Relationship.SPOUSE, Relationship.CHILD, Relationship.OTHER]
)
def test_a_dependent_needs_the_subscriber(relationship: Relationship) -> None:
    with pytest.raises(ValueError, match="coverage COV1: a dependent coverage needs"):
        coverage(relationship=relationship)
    insured = Subscriber("Doe", "Jane", date(1980, 2, 3), "F")
    assert coverage(relationship=relationship, subscriber=insured).subscriber == insured


def test_codes_sent_in_sbr() -> None:
    assert [p.sbr01 for p in Priority] == ["P", "S", "T"]
    assert [r.value for r in Relationship] == ["18", "01", "19", "G8"]
    assert sorted(Priority) == [Priority.PRIMARY, Priority.SECONDARY, Priority.TERTIARY]
