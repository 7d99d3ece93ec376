"""User regular expressions: checked at import, run in linear time (RE2)."""

from __future__ import annotations

import time

import pytest

from claimdesk.domain.patterns import PatternError, check_pattern, full_match


@pytest.mark.parametrize(
    "pattern",
    [r"^(a+)+$", r"(\d+)*X", r"([A-Z]+[0-9]*)+", r"(x|(ab)+)*c", r"((a{1,3}){1,})+"],
)
def test_nested_repetition_is_refused(pattern: str) -> None:
    with pytest.raises(PatternError, match="exponential time"):
        check_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [(r"(a)\1", "back-references"), (r"foo(?=bar)", "look-around"), ("(", "not a valid")],
)
def test_what_re2_cannot_run_is_refused(pattern: str, reason: str) -> None:
    with pytest.raises(PatternError, match=reason):
        check_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "member_id", "matches"),
    [
        (r"[A-Z]{3}\d{9}", "XYZ123456789", True),
        (r"[A-Z]{3}\d{9}", "XYZ12345678", False),
        (r"^(\d{3}-){2}\d{4}$", "123-456-7890", True),
        (r"[0-9]{1,2}[A-Z]{2}[0-9]{1,3}", "1AB23", True),
        (r"\d{9}[A-Z]?", "123456789", True),
    ],
)
def test_ordinary_formats_are_kept_and_match_in_full(
    pattern: str, member_id: str, matches: bool
) -> None:
    assert check_pattern(pattern) == pattern
    assert full_match(pattern, member_id) is matches


def test_a_pattern_stored_before_the_check_still_runs_in_linear_time() -> None:
    started = time.process_time()
    assert not full_match(r"^(a+)+$", "a" * 100_000 + "!")
    assert time.process_time() - started < 5  # Python's re would not finish in a lifetime


def test_a_long_pattern_is_refused() -> None:
    with pytest.raises(PatternError, match="longer than 200"):
        check_pattern("a" * 201)
