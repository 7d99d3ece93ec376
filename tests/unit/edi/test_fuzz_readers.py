"""Malformed input never crashes a reader: it gives findings, or X12Error with a location."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from claimdesk.edi.inspect import inspect_x12
from claimdesk.edi.x12.errors import X12Error
from claimdesk.edi.x12.tokenizer import tokenize
from claimdesk.edi.x835.read import read_835
from claimdesk.edi.x999.read import read_999

from .samples import ACCEPTED_999, REJECTED_999, balanced_835

READERS: tuple[Callable[[str], object], ...] = (tokenize, read_835, read_999)
VALID = (balanced_835(), ACCEPTED_999, REJECTED_999)
DELIMITERS = "*:^~\r\n"


def _outcome_is_documented(text: str) -> None:
    for reader in READERS:
        refused: X12Error | None = None
        try:
            reader(text)
        except X12Error as exc:
            refused = exc
        if refused is not None:
            assert refused.finding.message
            assert refused.location is refused.finding.location
    report = inspect_x12(text)
    if not report.transactions:
        assert report.findings or report.interchange_count


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(VALID))
    segments = text.split("~")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "delete", "duplicate", "replace", "insert"]))
        if kind == "truncate":
            joined = "~".join(segments)
            segments = joined[: draw(st.integers(0, len(joined)))].split("~")
        elif kind in ("delete", "duplicate") and segments:
            i = draw(st.integers(0, len(segments) - 1))
            if kind == "delete":
                del segments[i]
            else:
                segments.insert(i, segments[i])
        elif kind == "replace":
            joined = "~".join(segments)
            if joined:
                i = draw(st.integers(0, len(joined) - 1))
                char = draw(st.one_of(st.sampled_from(DELIMITERS), st.characters()))
                joined = joined[:i] + char + joined[i + 1 :]
            segments = joined.split("~")
        else:
            i = draw(st.integers(0, len(segments)))
            segments.insert(
                i, draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*:.-", max_size=30))
            )
    return "~".join(segments)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _outcome_is_documented(data.decode("latin-1"))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    _outcome_is_documented(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=DELIMITERS + "ISAGEST0159 |", max_size=300))
def test_delimiter_soup_after_an_isa(tail: str) -> None:
    _outcome_is_documented(balanced_835()[:108] + tail)


@settings(max_examples=600, deadline=None)
@given(mutated())
def test_mutations_of_valid_files(text: str) -> None:
    _outcome_is_documented(text)


def test_a_mutation_is_reported_not_ignored() -> None:
    # Dropping one service line's CAS leaves the line and the claim out of balance.
    text = balanced_835().replace("CAS*CO*45*20~CAS*PR*2*20~", "CAS*CO*45*20~", 1)
    rules = {f.rule for f in read_835(text).findings}
    assert {"835.balance.line", "835.balance.claim", "envelope.se_count"} <= rules
