"""The 835 reader and writer share one model: ``read(write(m)) == m`` on the records and
``write(read(text)) == text`` byte for byte, the envelope rebuilt from what was read (control
numbers, ids and times are taken from the file, not regenerated)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from claimdesk.domain.money import Money
from claimdesk.edi.x12.errors import has_errors
from claimdesk.edi.x12.writer import Envelope
from claimdesk.edi.x835.model import Remittance
from claimdesk.edi.x835.read import read_835
from claimdesk.edi.x835.write import write_835
from claimdesk.edi.x837.write import write_837p
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from unit.payer_sim.practice_claims import envelope, practice_claims, synthetic_bundle

from . import test_write_835 as builders
from .samples import BALANCED_835_SEGMENTS, interchange, transaction
from .x12_checks import envelope_as_read


def _rewritten(text: str) -> str:
    """``write_835(read_835(text))`` under the envelope and delimiters the text was read with."""
    result = read_835(text)
    assert not has_errors(result.findings), [str(f) for f in result.findings]
    (ic,) = result.envelopes.interchanges
    return write_835(
        result.remittances,
        envelope_as_read(ic, result.remittances[0].control_number),
        delimiters=ic.delimiters,
        line_breaks=f"{ic.delimiters.segment}\n" in text,
    )


def _assert_round_trips(remittances: list[Remittance], env: Envelope) -> None:
    text = write_835(remittances, env)
    assert list(read_835(text).remittances) == remittances
    assert _rewritten(text) == text


def _simulator_files(folder: Path) -> list[str]:
    practice = practice_claims(synthetic_bundle(folder, patients=40, encounters=120, seed=5))
    simulator = PayerSimulator(PayerWorld.from_bundle(practice.bundle))
    sent = date(2024, 7, 1)
    for number, claim in enumerate(practice.claims, start=1):
        simulator.receive_837(write_837p([claim], envelope(number, sent)), sent)
    return [f.text for f in simulator.remittances(sent + timedelta(days=200))]


def test_the_payer_simulators_835s_round_trip(tmp_path: Path) -> None:
    texts = _simulator_files(tmp_path)
    assert texts
    for text in texts:
        remittances = list(read_835(text).remittances)
        assert remittances
        assert any(r.claims for r in remittances)
        assert _rewritten(text) == text
        # And the model: written again then read, the records come back equal.
        (ic,) = read_835(text).envelopes.interchanges
        _assert_round_trips(remittances, envelope_as_read(ic, remittances[0].control_number))


def test_the_write_tests_remittances_round_trip() -> None:
    visit = builders.office_visit()
    inpatient = replace(
        builders.office_visit("I-1"),
        drg_code="470",
        outpatient=None,
        inpatient=builders.InpatientAdjudication(builders.Decimal(3), Money("110"), ("MA07", "N1")),
    )
    remittances = [
        builders.remittance(visit),
        builders.remittance(visit, inpatient, builders.reversal_of(builders.office_visit("R-1"))),
        builders.remittance(
            visit, method=builders.PaymentMethod.CHECK, payer_account=None, payee_account=None
        ),
    ]
    _assert_round_trips(remittances, builders.ENVELOPE)


def test_the_hand_written_sample_round_trips_but_for_st03() -> None:
    # The sample carries ST03, which the 835 guide (005010X221A1) does not use: the writer
    # leaves it out, so the text comes back without it and otherwise unchanged.
    text = interchange(transaction(BALANCED_835_SEGMENTS))
    expected = text.replace("ST*835*0001*005010X221A1~", "ST*835*0001~")
    assert _rewritten(text) == expected


def test_a_changed_record_is_seen() -> None:
    """The comparisons can fail: a record changed after reading writes different text."""
    text = write_835([builders.remittance(builders.office_visit())], builders.ENVELOPE)
    (read,) = read_835(text).remittances
    claim = read.claims[0]
    line = replace(claim.service_lines[1], remarks=(builders.Remark("HE", "M15"),))
    changed = replace(read, claims=(replace(claim, service_lines=(claim.service_lines[0], line)),))
    assert changed != read
    (ic,) = read_835(text).envelopes.interchanges
    assert write_835([changed], envelope_as_read(ic, "0001")) != text
