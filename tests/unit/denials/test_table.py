"""The denial category table: coverage of the common CARCs, lookup precedence, and errors that
name the file, entry and field."""

from __future__ import annotations

import pytest

from claimdesk.denials.table import CategoryTableError, parse_table, shipped_table
from claimdesk.domain.work import WorkAction
from claimdesk.routing.policy import shipped_policy

TABLE = shipped_table()

# The most common CARCs on professional remittances, all of which must have a rule of their own.
COMMON = [
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "11",
    "13",
    "15",
    "16",
    "18",
    "19",
    "22",
    "23",
    "24",
    "26",
    "27",
    "29",
    "31",
    "32",
    "35",
    "39",
    "40",
    "45",
    "49",
    "50",
    "51",
    "55",
    "58",
    "59",
    "96",
    "97",
    "107",
    "109",
    "119",
    "129",
    "133",
    "136",
    "140",
    "146",
    "150",
    "151",
    "167",
    "170",
    "181",
    "182",
    "185",
    "189",
    "197",
    "198",
    "199",
    "204",
    "206",
    "226",
    "227",
    "231",
    "234",
    "236",
    "242",
    "252",
    "253",
    "A1",
    "B7",
    "B9",
    "B13",
    "B15",
    "B16",
    "B20",
]


def test_the_shipped_table_covers_more_than_a_hundred_carcs() -> None:
    assert len(TABLE.carcs) >= 100
    missing = [c for c in COMMON if c not in TABLE.carcs]
    assert missing == []


def test_co_45_alone_is_contractual_not_a_denial() -> None:
    found = TABLE.classify("CO", "45")
    assert found.category.name == "contractual"
    assert not found.is_denial
    assert found.action is None


def test_co_29_with_n211_has_no_appeal_rights_but_alone_it_does() -> None:
    with_remark = TABLE.classify("CO", "29", ["MA130", "N211"])
    assert with_remark.rarc == "N211"
    assert with_remark.category.name == "timely_filing"
    assert not with_remark.appealable
    assert with_remark.action is WorkAction.REQUEST_WRITE_OFF
    alone = TABLE.classify("CO", "29")
    assert alone.appealable
    assert alone.action is WorkAction.APPEAL


def test_patient_responsibility_is_never_a_denial() -> None:
    for carc in ("1", "2", "3"):
        assert TABLE.classify("PR", carc).category.name == "patient_share"
    non_covered = TABLE.classify("PR", "204")
    assert non_covered.category.name == "non_covered"
    assert not non_covered.is_denial
    assert TABLE.classify("CO", "204").is_denial


def test_an_unknown_code_falls_back_to_work_that_needs_review() -> None:
    found = TABLE.classify("OA", "999")
    assert found.category.name == "needs_review"
    assert found.is_denial
    assert not found.counts_as_denial
    assert found.action is WorkAction.CALL_PAYER


def test_denial_categories_carry_the_tier_and_step_that_caused_them() -> None:
    medical = TABLE.classify("CO", "50").category
    assert medical.tier == 2
    eligibility = TABLE.classify("CO", "27").category
    assert eligibility.tier == 1
    assert "eligibility" in eligibility.front_end_step


def test_every_work_category_is_one_the_routing_table_knows() -> None:
    policy = shipped_policy()
    for category in TABLE.categories.values():
        assert category.work_category in policy.categories, category.name


BASE = """
[fallback]
category = "x"
[categories.x]
label = "X"
denial = true
tier = 2
front_end_step = "none"
work_category = "other"
action = "appeal"
[codes]
rules = [ {{ carc = "16"{extra} }} ]
"""


@pytest.mark.parametrize(
    ("extra", "field", "reason"),
    [
        (', category = "nope"', "category", "no [categories.nope] table"),
        (', category = "x", group = "ZZ"', "group", "is not one of"),
        (', category = "x", action = "dance"', "action", "unknown action 'dance'"),
        (', category = "x", appealable = "yes"', "appealable", "true or false"),
    ],
)
def test_errors_name_the_file_entry_and_field(extra: str, field: str, reason: str) -> None:
    with pytest.raises(CategoryTableError) as caught:
        parse_table(BASE.format(extra=extra), "mine.toml")
    message = str(caught.value)
    assert message.startswith("mine.toml: [codes] rule 1")
    assert f"field {field!r}" in message
    assert reason in message


def test_a_duplicate_rule_is_refused() -> None:
    text = BASE.format(extra=', category = "x" }, { carc = "16", category = "x"')
    with pytest.raises(CategoryTableError, match=r"rule 2.*a rule for 16 exists"):
        parse_table(text, "mine.toml")
