"""A synthetic practice sent un-scrubbed: a denial rate as in the field, every file valid, and the
same seed giving the same bytes."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from claimdesk.denials.table import shipped_table
from claimdesk.edi.x277.read import read_277
from claimdesk.edi.x835.read import read_835
from claimdesk.edi.x837.write import write_837p
from claimdesk.edi.x999.read import read_999
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from unit.edi.pyx12_oracle import pyx12_errors

from .practice_claims import PracticeClaims, envelope, practice_claims, synthetic_bundle

SUBMIT_DELAY = timedelta(days=2)  # after the Sunday that ends the week of the visits


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> PracticeClaims:
    folder: Path = tmp_path_factory.mktemp("practice")
    return practice_claims(synthetic_bundle(folder, patients=300, encounters=1000, seed=23))


def _run(practice: PracticeClaims) -> tuple[list[str], PayerSimulator, Counter[str], int]:
    """Submit each week's claims in one batch; collect every file the simulator writes."""
    simulator = PayerSimulator(PayerWorld.from_bundle(practice.bundle))
    by_day: dict[date, list[object]] = {}
    for claim in practice.claims:
        day = claim.claim.encounter.date_of_service
        sunday = day + timedelta(days=6 - day.weekday())
        by_day.setdefault(sunday, []).append(claim)
    texts: list[str] = []
    denied: Counter[str] = Counter()
    adjudicated = 0
    for number, (day, claims) in enumerate(sorted(by_day.items()), start=1):
        sent = day + SUBMIT_DELAY
        receipt = simulator.receive_837(
            write_837p(claims, envelope(number, sent)),  # type: ignore[arg-type]
            sent,
        )
        texts += [*receipt.functional_acks, *receipt.claim_acks]
        for adjudication in receipt.adjudications:
            adjudicated += 1
            if adjudication.denied:
                denied[adjudication.denials[0].cause] += 1
    last = max(by_day) + timedelta(days=200)
    texts += [f.text for f in simulator.remittances(last)]
    return texts, simulator, denied, adjudicated


Run = tuple[list[str], PayerSimulator, Counter[str], int]


@pytest.fixture(scope="module")
def run(practice: PracticeClaims) -> Run:
    return _run(practice)


def test_an_unscrubbed_practice_sees_a_denial_rate_as_in_the_field(run: Run) -> None:
    texts, simulator, denied, adjudicated = run
    rate = sum(denied.values()) / adjudicated
    print(f"adjudicated {adjudicated}, denied {sum(denied.values())} ({rate:.1%}): {dict(denied)}")
    assert 0.06 <= rate <= 0.15
    # Real causes, not only the random share.
    assert {"invalid_diagnosis", "coverage_ended", "bundled"} <= set(denied)
    assert not simulator.state.scheduled
    table = shipped_table()
    remits = [read_835(t) for t in texts if "*835*" in t[:200] or "*HP*" in t[:200]]
    assert remits
    paid_claims = 0
    for read in remits:
        assert read.findings == ()
        for remittance in read.remittances:
            for payment in remittance.claims:
                paid_claims += 1
                for line in payment.service_lines:
                    for adjustment in line.adjustments:
                        classified = table.classify(
                            adjustment.group.value,
                            adjustment.reason,
                            [r.code for r in line.remarks],
                        )
                        assert classified.category.name != "needs_review"
    assert paid_claims >= adjudicated


def test_every_file_passes_pyx12_and_reads_back(run: Run) -> None:
    texts = run[0]
    for text in texts:
        assert pyx12_errors(text) == []
        if "*FA*" in text[100:140]:
            assert read_999(text).findings == ()
        elif "*HN*" in text[100:140]:
            assert read_277(text).findings == ()
        else:
            assert read_835(text).findings == ()


def test_the_same_seed_gives_the_same_bytes(practice: PracticeClaims, run: Run) -> None:
    again, *_ = _run(practice)
    assert again == run[0]
