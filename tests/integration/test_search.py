"""Finding a patient at the desk, on SQLite and PostgreSQL: by name in either order, by date of
birth as typed at a front desk, by the start of a member id, account or name."""

from __future__ import annotations

import pytest
from tier1_practice import UowFactory, import_small_practice

from claimdesk.store.queries.search import find_patients


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("Jane Doe", ["P1"]),
        ("doe jane", ["P1"]),
        ("Doe, Jane", ["P1"]),
        ("ja do", ["P1"]),
        ("Jane Roe", []),
        ("2015-06-01", ["P1"]),
        ("06/01/2015", ["P1"]),
        ("01/31/1950", ["P2"]),
        ("1950-01-30", []),
        ("A1234", ["P1"]),  # the start of Jane's member id
        ("1EG4TE", ["P2"]),  # Rick's Medicare id, ended coverage or not
        ("P", ["P1", "P2"]),
        ("rick", ["P2"]),  # a first name alone
        ("roe", ["P2"]),
        ("13/45/2015", []),  # no date: read as a word, and no name starts so
    ],
)
def test_a_patient_is_found_by_name_either_way_birth_date_or_member_id(
    uow_factory: UowFactory, term: str, found: list[str]
) -> None:
    import_small_practice(uow_factory)
    with uow_factory() as uow:
        hits = find_patients(uow.read, term, 50)
    assert sorted(h.account for h in hits) == found
