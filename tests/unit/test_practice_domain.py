"""The practice profile's settings and the one clock, as pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from claimdesk.domain.clock import practice_today
from claimdesk.domain.practice import (
    PracticeProfile,
    ProfileError,
    checked_value,
    parse_practice_file,
)

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now", "zone", "today"),
    [
        # 02:30 UTC on 4 December is still the evening of 3 December in New York.
        (datetime(2026, 12, 4, 2, 30, tzinfo=UTC), NEW_YORK, date(2026, 12, 3)),
        (datetime(2026, 12, 4, 5, 0, tzinfo=UTC), NEW_YORK, date(2026, 12, 4)),
        # Summer time: New York is UTC-4, so 03:59 UTC is 23:59 the day before.
        (datetime(2026, 7, 1, 3, 59, tzinfo=UTC), NEW_YORK, date(2026, 6, 30)),
        (datetime(2026, 7, 1, 4, 0, tzinfo=UTC), NEW_YORK, date(2026, 7, 1)),
        (datetime(2026, 12, 4, 2, 30, tzinfo=UTC), ZoneInfo("Pacific/Honolulu"), date(2026, 12, 3)),
        (
            datetime(2026, 12, 3, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
            UTC,
            date(2026, 12, 4),
        ),
    ],
)
def test_today_is_the_date_in_the_practice_time_zone(
    now: datetime, zone: ZoneInfo, today: date
) -> None:
    assert practice_today(now, zone) == today


def test_a_naive_instant_has_no_today() -> None:
    with pytest.raises(ValueError, match="time zone"):
        practice_today(datetime(2026, 12, 3, 12), NEW_YORK)


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("billing.npi", "1234567893", "1234567893"),
        ("billing.tax_id", "12-3456789", "123456789"),
        ("billing.taxonomy", "261QP2300X", "261QP2300X"),
        ("billing.zip", "43215-1234", "432151234"),
        ("billing.state", "OH", "OH"),
        ("submitter.phone", "(614) 555-0100", "6145550100"),
        ("submitter.email", "billing@example.org", "billing@example.org"),
        ("submitter.id", "RFMG001", "RFMG001"),
        ("receiver.MCR.id", "MCRJUR15", "MCRJUR15"),
        ("production", "TRUE", "true"),
        ("time_zone", "America/Chicago", "America/Chicago"),
        ("pay_to.zip", "", ""),
    ],
)
def test_good_values_are_stored_plainly(key: str, value: str, stored: str) -> None:
    assert checked_value(key, value) == stored


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("billing.npi", "1234567890", "is not an NPI"),
        ("billing.npi", "123456789３", "is not an NPI"),
        ("billing.tax_id", "12345678", "is not a tax id"),
        ("billing.taxonomy", "261QP2300", "is not a NUCC taxonomy code"),
        ("billing.zip", "43215", "is not a ZIP+4 code"),
        ("billing.state", "Ohio", "is not a two-letter state code"),
        ("submitter.phone", "1614555010", "is not a ten-digit US phone number"),
        ("submitter.phone", "555-0100", "is not a ten-digit US phone number"),
        ("submitter.email", "billing at example", "is not an email address"),
        ("submitter.id", "RFMG001-TOO-LONG-ID", "is not an X12 id"),
        ("production", "yes", "must be true or false"),
        ("time_zone", "EST5", "is not an IANA time zone"),
        ("billing", "x", "no such practice setting"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(key: str, value: str, reason: str) -> None:
    with pytest.raises(ProfileError, match=f"^{key}: ") as caught:
        checked_value(key, value)
    assert reason in str(caught.value)


def test_a_practice_file_names_every_bad_setting_at_once() -> None:
    text = 'name = "X"\n[billing]\nnpi = "1234567890"\nzip = "4321"\n[submitter]\nid = "A1"\n'
    with pytest.raises(ProfileError) as caught:
        parse_practice_file(text)
    assert [key for key, _reason in caught.value.problems] == ["billing.npi", "billing.zip"]
    assert caught.value.problems[0][1].startswith("'1234567890' is not an NPI")
    assert "billing.zip: '4321' is not a ZIP+4 code" in str(caught.value)


def test_a_practice_file_that_is_not_toml_is_one_problem_of_the_file() -> None:
    with pytest.raises(ProfileError) as caught:
        parse_practice_file("name = \n")
    [(key, reason)] = caught.value.problems
    assert key == ""
    assert reason.startswith("not TOML: ")


def test_a_practice_file_flattens_tables_and_per_payer_receivers() -> None:
    text = (
        'production = false\n[billing]\nzip = "43215-1234"\n'
        '[receiver]\nid = "ACMECH"\nname = "Acme"\n[receiver.MCR]\nid = "MCRJUR15"\n'
    )
    values = parse_practice_file(text)
    assert values == {
        "production": "false",
        "billing.zip": "432151234",
        "receiver.id": "ACMECH",
        "receiver.name": "Acme",
        "receiver.MCR.id": "MCRJUR15",
    }
    profile = PracticeProfile(values)
    assert profile.payer_receivers() == {"MCR": ("MCR", "MCRJUR15")}
    assert not profile.production


def test_what_submit_needs_is_listed_until_it_is_set() -> None:
    profile = PracticeProfile({"receiver.id": "ACMECH"})
    missing = [s.key for s in profile.missing_to_submit()]
    assert missing[:2] == ["name", "billing.npi"]
    assert "receiver.name" in missing  # a clearinghouse id needs its name (1000B NM103)
    complete = PracticeProfile(
        {
            "name": "Riverbend",
            "billing.npi": "1234567893",
            "billing.tax_id": "123456789",
            "billing.taxonomy": "261QP2300X",
            "billing.address1": "1 Main St",
            "billing.city": "Dublin",
            "billing.state": "OH",
            "billing.zip": "430161234",
            "submitter.id": "RFMG001",
            "submitter.contact": "Billing office",
            "submitter.phone": "6145550100",
            "time_zone": "America/New_York",
        }
    )
    assert complete.missing_to_submit() == ()
    billing = complete.billing_provider()
    assert billing is not None
    assert billing.address is not None
    assert billing.address.postal_code == "430161234"


def test_the_deposit_wait_is_a_setting_in_business_days() -> None:
    assert PracticeProfile({}).deposit_wait_days == 5
    assert (
        PracticeProfile(
            {"deposits.wait_days": checked_value("deposits.wait_days", "03")}
        ).deposit_wait_days
        == 3
    )
    with pytest.raises(ProfileError, match="whole number of business days"):
        checked_value("deposits.wait_days", "five")
