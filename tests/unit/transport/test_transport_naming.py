"""Names on the partner's server: uploads by the partner's pattern, the same on every retry;
which listed files are whole and wanted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from claimdesk.transport.naming import (
    Parties,
    is_plain,
    is_temporary,
    parties_of,
    upload_name,
    uploading_name,
    wanted,
)

ISA = (
    "ISA*00*          *00*          *ZZ*RFMG001        *ZZ*ACME           "
    "*240301*0930*^*00501*000000042*0*T*:~GS*HC*RFMG001*ACME*20240301*0930*42*X*005010X222A1~"
)


def test_the_interchange_names_its_submitter_receiver_and_control_number() -> None:
    assert parties_of(ISA) == Parties("RFMG001", "ACME", "000000042")
    assert parties_of(ISA.replace("*", "|")) == Parties("RFMG001", "ACME", "000000042")
    assert parties_of("not X12 at all") is None
    assert parties_of("ISA*00*cut") is None


def test_an_upload_is_named_by_the_partners_pattern() -> None:
    parties = Parties("RFMG 001", "ACME", "000000042")
    # Noon in Chicago is 18:00 UTC: the stamp is UTC whatever the clock's zone.
    stamp = datetime(2024, 3, 1, 12, 0, 5, tzinfo=timezone(timedelta(hours=-6)))

    name = upload_name(
        "{submitter}_{receiver}_{control}_{stem}_{stamp}.{suffix}", "837P-ACME.x12", parties, stamp
    )

    assert name == "RFMG_001_ACME_000000042_837P-ACME_20240301180005.x12"
    assert upload_name("{name}", "837P-ACME.x12", None, stamp) == "837P-ACME.x12"
    assert upload_name("{submitter}{stem}.{suffix}", "batch", None, stamp) == "batch."
    assert uploading_name("a.x12") == ".a.x12.part"


def test_the_same_file_gets_the_same_name_on_every_attempt() -> None:
    stamp = datetime(2024, 3, 1, 18, tzinfo=UTC)
    names = {upload_name("{stem}_{stamp}.x12", "b.x12", None, stamp) for _ in range(3)}
    assert names == {"b_20240301180000.x12"}


@pytest.mark.parametrize(
    "name",
    [".june.835", "june.835.part", "june.835.filepart", "june.835.TMP", "~june.835", "june.835~"],
)
def test_a_file_named_as_being_written_is_temporary(name: str) -> None:
    assert is_temporary(name)


@pytest.mark.parametrize("name", ["june.835", "ACK_20240301.999", "partial-payment.835"])
def test_a_plain_name_is_not_temporary(name: str) -> None:
    assert not is_temporary(name)


def test_only_plain_names_in_the_folder_are_taken() -> None:
    assert is_plain("june.835")
    assert not any(is_plain(n) for n in ("", ".", "..", "a/b", "a\\b", "a\0b"))


def test_fetch_patterns_ignore_letter_case() -> None:
    assert wanted("JUNE.TA1", ["*.ta1", "*.999"])
    assert wanted("june.835", ["*"])
    assert not wanted("june.pdf", ["*.835", "*.999"])
