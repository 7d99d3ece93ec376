"""Each denial cause produces its CARC (and RARC), and the category table calls it a denial."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from claimdesk.denials.table import shipped_table
from claimdesk.domain.coverage import Priority
from claimdesk.edi.x12.codes import ClaimStatus
from claimdesk.edi.x835.model import ClaimPayment
from claimdesk.edi.x835.read import read_835
from claimdesk.payer_sim.simulator import PayerSimulator
from claimdesk.payer_sim.world import PayerWorld
from unit.edi.claim_builders import DOS, claim, claim_input, coverage, line

from .small_world import RECEIVED, policy, send, world


def _remitted(simulator: PayerSimulator, day: date) -> ClaimPayment:
    files = simulator.remittances(day)
    (payment,) = [c for f in files for r in read_835(f.text).remittances for c in r.claims]
    return payment


def _codes(payment: ClaimPayment) -> list[tuple[str, str, tuple[str, ...]]]:
    """(group-CARC, paid, RARCs) per line."""
    return [
        (
            ",".join(f"{a.group.value}-{a.reason}" for a in line.adjustments),
            str(line.paid),
            tuple(r.code for r in line.remarks),
        )
        for line in payment.service_lines
    ]


def _adjudicate(
    sim_world: PayerWorld, claims: list[object] | None = None, received: date = RECEIVED
) -> ClaimPayment:
    simulator = PayerSimulator(sim_world)
    receipt = send(simulator, claims or [claim_input()], received)  # type: ignore[arg-type]
    assert receipt.rejected == ()
    return _remitted(simulator, received + timedelta(days=14))


def _whole_claim_denied(payment: ClaimPayment, code: str, rarc: str = "") -> None:
    assert payment.status is ClaimStatus.DENIED
    assert payment.paid.amount == 0
    remarks = (rarc,) if rarc else ()
    assert _codes(payment) == [(code, "0.00", remarks), (code, "0.00", remarks)]
    group, carc = code.split("-")
    assert shipped_table().classify(group, carc, remarks).is_denial


def test_coverage_ended_before_the_date_of_service_is_co_27() -> None:
    ended = replace(coverage(), termination=DOS - timedelta(days=10))
    _whole_claim_denied(_adjudicate(world(coverages=(ended,))), "CO-27")


def test_coverage_starting_after_the_date_of_service_is_co_26() -> None:
    later = replace(coverage(), effective=DOS + timedelta(days=1))
    _whole_claim_denied(_adjudicate(world(coverages=(later,))), "CO-26")


def test_a_member_the_payer_does_not_know_is_co_31() -> None:
    other = replace(coverage(), member_id="NOBODY0001")
    _whole_claim_denied(_adjudicate(world(coverages=(other,))), "CO-31")


def test_a_claim_sent_as_primary_to_the_secondary_payer_is_co_22() -> None:
    secondary = replace(coverage(), priority=Priority.SECONDARY)
    _whole_claim_denied(_adjudicate(world(coverages=(secondary,))), "CO-22")


@pytest.mark.parametrize(
    "diagnosis",
    [
        "R05",  # a category with codes below it: not billable
        "J06.99",  # shaped like a code, not in ICD-10-CM
    ],
)
def test_an_invalid_or_unbillable_diagnosis_is_co_16_with_m76(diagnosis: str) -> None:
    bad = claim_input(claim=claim(diagnoses=("J06.9", diagnosis)))
    _whole_claim_denied(_adjudicate(world(), [bad]), "CO-16", "M76")


def test_filed_after_the_payers_limit_is_co_29_with_n211_and_no_appeal() -> None:
    late = DOS + timedelta(days=181)  # the payer allows 180 days
    payment = _adjudicate(world(), received=late)
    _whole_claim_denied(payment, "CO-29", "N211")
    assert not shipped_table().classify("CO", "29", ("N211",)).appealable


def test_the_same_service_sent_twice_is_co_18() -> None:
    simulator = PayerSimulator(world())
    send(simulator, [claim_input()])
    again = claim_input(claim=claim("C-9999"))
    send(simulator, [again], RECEIVED + timedelta(days=2), number=2)
    first = _remitted(simulator, RECEIVED + timedelta(days=14))
    assert first.paid.is_positive()
    duplicate = _remitted(simulator, RECEIVED + timedelta(days=16))
    assert duplicate.patient_control_number == "C-9999"
    _whole_claim_denied(duplicate, "CO-18")


def test_a_line_pointing_only_to_a_history_code_is_co_11() -> None:
    weak = claim_input(
        claim=claim(
            diagnoses=("J06.9", "Z87.891"),
            lines=(line(1, pointers=(2,)), line(2, code="36415", charge="15.50")),
        )
    )
    payment = _adjudicate(world(), [weak])
    assert payment.status is ClaimStatus.PRIMARY
    # Line 2 is paid by the plan's rules: venipuncture (36415) is a lab service, not the visit,
    # so its 10.00 allowed goes to the deductible (PR-1), not to a copay.
    assert _codes(payment) == [("CO-11", "0.00", ()), ("CO-45,PR-1", "0.00", ())]
    assert payment.patient_responsibility is not None
    assert str(payment.patient_responsibility) == "10.00"


@pytest.mark.parametrize(("code", "denied"), [("85610", False), ("36415", True)])
def test_a_status_code_the_payers_ncd_names_supports_its_service_alone(
    code: str, denied: bool
) -> None:
    # NCD 190.17: long-term anticoagulant use (Z79.01) is the indication for an INR (85610), and
    # for nothing else the payer lists; the policy of the small world says so for 85610 only.
    monitored = claim_input(
        claim=claim(
            diagnoses=("J06.9", "Z79.01"),
            lines=(line(1), line(2, code=code, charge="15.50", pointers=(2,))),
        )
    )
    payment = _adjudicate(world(), [monitored])
    second = _codes(payment)[1]
    assert ("CO-11" in second[0]) is denied


@pytest.mark.parametrize(("authorization", "denied"), [("", True), ("AUTH77", False)])
def test_a_code_needing_prior_authorization_is_co_197_with_n54_without_one(
    authorization: str, denied: bool
) -> None:
    claim_with = claim_input(claim=claim(prior_authorization=authorization))
    payment = _adjudicate(world(policy(authorization_codes='"99213"')), [claim_with])
    first = _codes(payment)[0]
    if denied:
        assert first == ("CO-197", "0.00", ("N54",))
    else:
        # An office visit: the plan pays 100.00 allowed less the 20.00 copay.
        assert first[1] == "80.00"


@pytest.mark.parametrize(("modifiers", "denied"), [((), True), (("25",), False)])
def test_an_ncci_pair_without_its_modifier_is_co_97(
    modifiers: tuple[str, ...], denied: bool
) -> None:
    pair = claim_input(
        claim=claim(
            lines=(
                line(1, modifiers=modifiers),
                line(2, code="96372", charge="30.00"),
            )
        )
    )
    first = _codes(_adjudicate(world(), [pair]))[0]
    assert (first == ("CO-97", "0.00", ("M15",))) is denied


@pytest.mark.parametrize(
    ("rates", "code", "rarcs"),
    [
        ({"medical_necessity_rate": "1"}, "CO-50", ()),
        ({"non_covered_rate": "1"}, "CO-96", ("N130",)),
    ],
)
def test_the_random_share_denies_one_line_for_medical_necessity_or_non_coverage(
    rates: dict[str, str], code: str, rarcs: tuple[str, ...]
) -> None:
    payment = _adjudicate(world(policy(**rates)))
    codes = _codes(payment)
    denied = [c for c in codes if c[0] == code]
    assert denied == [(code, "0.00", rarcs)]
    # The other line is adjudicated normally (contractual adjustment and the patient's share).
    (other,) = [c for c in codes if c[0] != code]
    assert other[0].startswith("CO-45,PR-")
