"""The plain-language code explanations: the file reads, covers the codes billers see most,
and each code is found with or without its group code."""

from __future__ import annotations

import pytest

from claimdesk.denials.explanations import _explanations, explain_carc, explain_rarc


def test_the_file_covers_150_carcs_and_100_rarcs_each_with_a_meaning_and_a_next_step() -> None:
    found = _explanations()
    assert len(found["carc"]) >= 150
    assert len(found["rarc"]) >= 100
    for codes in found.values():
        for code, explained in codes.items():
            assert explained.meaning.strip(), code
            assert explained.next_step.strip(), code


@pytest.mark.parametrize("code", ["16", "CO-16", "co-16"])
def test_a_carc_is_found_with_or_without_its_group(code: str) -> None:
    explained = explain_carc(code)
    assert explained is not None
    assert explained == explain_carc("16")


@pytest.mark.parametrize(
    "carc",
    [
        "1",
        "2",
        "3",
        "4",
        "16",
        "18",
        "22",
        "23",
        "27",
        "29",
        "45",
        "50",
        "96",
        "97",
        "109",
        "119",
        "197",
        "204",
        "242",
        "252",
        "253",
        "B7",
    ],
)
def test_the_common_carcs_are_explained(carc: str) -> None:
    assert explain_carc(carc) is not None


@pytest.mark.parametrize("rarc", ["M15", "M51", "MA04", "MA130", "N130", "N290", "N519", "N362"])
def test_the_common_rarcs_are_explained(rarc: str) -> None:
    assert explain_rarc(rarc) is not None
    assert explain_rarc(rarc.lower()) == explain_rarc(rarc)


def test_an_unknown_code_has_no_explanation() -> None:
    assert explain_carc("ZZ9") is None
    assert explain_rarc("N99999") is None
