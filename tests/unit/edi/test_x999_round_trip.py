"""The 999 reader and writer share one model: ``read(write(m)) == m`` on the records and
``write(read(text)) == text`` byte for byte, the envelope rebuilt from what was read (control
numbers, ids and times are taken from the file, not regenerated)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from claimdesk.edi.x12.codes import (
    AcknowledgmentStatus,
    FunctionalGroupError,
    SegmentSyntaxError,
)
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x837.write import write_837p
from claimdesk.edi.x999.model import Acknowledgment
from claimdesk.edi.x999.read import read_999
from claimdesk.edi.x999.write import write_999
from claimdesk.payer_sim.simulator import PayerSimulator
from unit.payer_sim.small_world import RECEIVED, world

from . import test_write_999 as builders
from .claim_builders import ENVELOPE, claim_input
from .samples import ACCEPTED_999, REJECTED_999
from .x12_checks import envelope_as_read

# The 999 guide (005010X231A1) gives IK303 and CTX04, the loop identifier (element 447), at
# most four characters, and the reader does not keep CTX05 (position in segment): the rejected
# sample is written back with its IK303 cut to the loop number and without CTX05.
WRITABLE_REJECTED_999 = REJECTED_999.replace("*2010BA*", "*2010*").replace("*22**5:3~", "*22~")


def _rewritten(text: str) -> str:
    """``write_999(read_999(text))`` under the envelope and delimiters the text was read with."""
    result = read_999(text)
    assert result.findings == (), [str(f) for f in result.findings]
    (ic,) = result.envelopes.interchanges
    return write_999(
        result.acknowledgments,
        envelope_as_read(ic, result.acknowledgments[0].control_number),
        delimiters=ic.delimiters,
        line_breaks=f"{ic.delimiters.segment}\n" in text,
    )


def _assert_round_trips(acks: tuple[Acknowledgment, ...], env: Envelope) -> None:
    text = write_999(acks, env)
    assert read_999(text).acknowledgments == acks
    assert _rewritten(text) == text


def _simulator_999s() -> list[str]:
    simulator = PayerSimulator(world())
    clean = write_837p([claim_input()], ENVELOPE)
    # A bad amount (SV102) rejects the transaction set: the 999 carries IK3, IK4 and IK5*R.
    broken = clean.replace("SV1*HC:99213*125", "SV1*HC:99213*12X5", 1)
    assert broken != clean
    return [
        text
        for sent in (clean, broken)
        for text in simulator.receive_837(sent, RECEIVED).functional_acks
    ]


def test_the_payer_simulators_999s_round_trip() -> None:
    texts = _simulator_999s()
    statuses = [a.status for t in texts for a in read_999(t).acknowledgments]
    assert statuses == [AcknowledgmentStatus.ACCEPTED, AcknowledgmentStatus.REJECTED]
    for text in texts:
        assert _rewritten(text) == text
        acks = read_999(text).acknowledgments
        (ic,) = read_999(text).envelopes.interchanges
        _assert_round_trips(acks, envelope_as_read(ic, acks[0].control_number))


@pytest.mark.parametrize("text", [ACCEPTED_999, WRITABLE_REJECTED_999])
def test_the_reader_tests_samples_round_trip(text: str) -> None:
    assert _rewritten(text) == text
    acks = read_999(text).acknowledgments
    (ic,) = read_999(text).envelopes.interchanges
    _assert_round_trips(acks, envelope_as_read(ic, acks[0].control_number))


def test_a_six_character_loop_id_is_read_but_not_written() -> None:
    (ack,) = read_999(REJECTED_999).acknowledgments
    assert ack.transaction_sets[0].segment_errors[0].loop_id == "2010BA"
    with pytest.raises(X12WriteError, match="IK303"):
        _rewritten(REJECTED_999)


def test_the_write_tests_acknowledgments_round_trip() -> None:
    accepted, rejected = builders.partially_accepted_sets()
    acks = (
        Acknowledgment.of_sets("HC", "17", "005010X222A1", (accepted, rejected)),
        # AK905: a group error leaves an accepted group accepted with errors (AK901 E).
        Acknowledgment.of_sets(
            "HC",
            "18",
            "005010X222A1",
            (accepted,),
            (FunctionalGroupError.TRANSACTION_COUNT_MISMATCH,),
        ),
    )
    assert acks[1].status is AcknowledgmentStatus.ACCEPTED_WITH_ERRORS
    _assert_round_trips(acks, builders.ACK_ENVELOPE)


def test_a_changed_record_is_seen() -> None:
    """The comparisons can fail: a record changed after reading writes different text."""
    (read,) = read_999(WRITABLE_REJECTED_999).acknowledgments
    rejected, accepted = read.transaction_sets
    error = replace(rejected.segment_errors[0], code=SegmentSyntaxError.UNEXPECTED_SEGMENT)
    changed = replace(read, transaction_sets=(replace(rejected, segment_errors=(error,)), accepted))
    assert changed != read
    (ic,) = read_999(WRITABLE_REJECTED_999).envelopes.interchanges
    rewritten = write_999((changed,), envelope_as_read(ic, read.control_number))
    assert rewritten != WRITABLE_REJECTED_999
    assert replace(read, accepted_count=2) != read
