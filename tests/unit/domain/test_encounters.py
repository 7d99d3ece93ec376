from decimal import Decimal

import pytest

from claimdesk.domain.encounters import MAX_DIAGNOSES, EncounterError
from claimdesk.domain.money import Money

from .builders import encounter, service_line

TWELVE = tuple(f"Z{n:02d}.0" for n in range(1, 13))


def test_limits_follow_the_837p() -> None:
    assert MAX_DIAGNOSES == 12


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"line_number": 0}, "service line 0: line numbers start at 1"),
        ({"line_number": -1}, "service line -1: line numbers start at 1"),
        ({"modifiers": ("25", "59", "GT", "XU", "76")}, "service line 1: at most 4 modifiers"),
        ({"pointers": ()}, "service line 1: 1 to 4 diagnosis pointers"),
        ({"pointers": (1, 2, 3, 4, 5)}, "service line 1: 1 to 4 diagnosis pointers"),
        ({"pointers": (0,)}, "service line 1: diagnosis pointers run from 1 to 12"),
        ({"pointers": (1, 13)}, "service line 1: diagnosis pointers run from 1 to 12"),
        ({"units": Decimal(0)}, "service line 1: units must be positive"),
        ({"units": Decimal("-1")}, "service line 1: units must be positive"),
        ({"charge": "-0.01"}, "service line 1: a charge cannot be negative"),
    ],
)
def test_impossible_service_lines_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(EncounterError, match=f"^{message}$"):
        service_line(**kwargs)  # type: ignore[arg-type]


def test_service_line_limits_are_inclusive() -> None:
    line = service_line(
        modifiers=("25", "59", "GT", "XU"),
        pointers=(1, 2, 3, 12),
        units=Decimal("0.5"),
        charge="0.00",
    )
    assert line.modifiers == ("25", "59", "GT", "XU")
    assert line.charge == Money(0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"diagnoses": ()}, "encounter E1: 1 to 12 diagnoses"),
        ({"diagnoses": (*TWELVE, "Z13.0")}, "encounter E1: 1 to 12 diagnoses"),
        ({"lines": ()}, "encounter E1: no service lines"),
        (
            {"lines": (service_line(1), service_line(2), service_line(1))},
            "encounter E1: duplicate service line numbers",
        ),
        (
            {"diagnoses": ("J06.9",), "lines": (service_line(1), service_line(2, pointers=(1, 2)))},
            "encounter E1, service line 2: pointer 2 but only 1 diagnoses",
        ),
    ],
)
def test_impossible_encounters_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(EncounterError, match=f"^{message}$"):
        encounter(**kwargs)  # type: ignore[arg-type]


def test_twelve_diagnoses_and_pointers_up_to_them_are_fine() -> None:
    visit = encounter(diagnoses=TWELVE, lines=(service_line(1, pointers=(12, 1)),))
    assert len(visit.diagnoses) == 12


def test_total_charge_is_the_sum_of_line_charges() -> None:
    visit = encounter(
        lines=(
            service_line(1, charge="100.00", units=Decimal(3)),
            service_line(2, charge="25.50"),
            service_line(7, charge="0.01"),
        )
    )
    # SV102 is already the line's total, so units do not multiply it.
    assert visit.total_charge == Money("125.51")
    assert encounter(lines=(service_line(1, charge="0"),)).total_charge == Money(0)
