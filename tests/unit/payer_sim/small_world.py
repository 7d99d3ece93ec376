"""A hand-made world for hand-computed answers: one commercial payer, one Medicaid, one member.

Contract rates: 99213 allows 100.00 and 36415 allows 10.00 (the claims charge 125.00 and 15.50).
The commercial plan's tiers differ in copay, coinsurance and deductible, so each tier's payment
can be worked out on paper: 99213 is an office visit (the copay, no deductible), 36415 a lab
service (the deductible, then coinsurance); out of network the plan allows 80 percent of the
charge and the patient owes the rest (PR-45). Random denials, pends and recoupments are off
unless a test turns them on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from claimdesk.codes.icd10 import shared_code_set
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority
from claimdesk.domain.money import Money
from claimdesk.domain.payers import ContractRate
from claimdesk.edi.x837.claim_input import ClaimInput
from claimdesk.edi.x837.write import write_837p
from claimdesk.payer_sim.policy import SimPolicy, parse_policy
from claimdesk.payer_sim.simulator import PayerSimulator, Receipt
from claimdesk.payer_sim.world import Member, PayerWorld
from unit.edi.claim_builders import (
    BILLING,
    COMMERCIAL,
    DOS,
    ENVELOPE,
    MEDICAID,
    MEDICARE,
    RENDERING,
    coverage,
    patient,
)

RECEIVED = DOS + timedelta(days=3)

POLICY = """
seed = 7

[clearinghouse]
id = "TESTCH"
name = "Test Clearinghouse"

[rejections]
unknown_payer = "A3:116"
invalid_member_id = "A7:164"
missing_member_id = "A6:164"
invalid_npi = "A7:562"
missing_birth_date = "A6:158"

[defaults]
remit_lag_days = 14
prompt_pay_days = 30
annual_interest_rate = "0.10"
pend_rate = "{pend_rate}"
pend_days = 30
no_rate_share = "0.50"
medical_necessity_rate = "{medical_necessity_rate}"
non_covered_rate = "{non_covered_rate}"
recoupment_rate = "{recoupment_rate}"
recoupment_after_days = 45
minimum_subscriber_age = 0
authorization_codes = [{authorization_codes}]
secondary_method = "{secondary_method}"
phone = "8005550100"
address = {{ line1 = "PO Box 1", city = "Harrisburg", state = "PA", postal_code = "17101" }}

[defaults.adjustments]
contractual = "CO-45"
coverage_ended = "CO-27"
coverage_not_started = "CO-26"
member_not_found = "CO-31"
other_payer_primary = "CO-22"
invalid_diagnosis = "CO-16:M76"
diagnosis_not_supporting = "CO-11"
authorization_missing = "CO-197:N54"
bundled = "CO-97:M15"
timely_filing = "CO-29:N211"
duplicate = "CO-18"
medical_necessity = "CO-50"
non_covered = "CO-96:N130"
recoupment = "CO-50"

[[ncci]]
column1 = ["96372"]
column2 = ["99213"]
modifiers = ["25"]

[[status_indications]]
diagnosis = "Z79.01"
procedures = ["85610"]

[services]
preventive = ["99381-99397"]
visit = ["99202-99215"]
diagnostic = ["36415", "80047-89398"]
drug = ["J0120-J9999"]
primary_care = ["207Q00000X"]

[benefits]
tier_1 = {{ copay = "0.00", coinsurance = "0.00", deductible = "0.00" }}

[payers.BCBS01.plans."PPO Gold".tier_1]
copay = "20.00"
coinsurance = "0.20"
deductible = "50.00"
out_of_pocket_max = "1000.00"

[payers.BCBS01.plans."PPO Gold".tier_2]
copay = "40.00"
coinsurance = "0.30"
deductible = "0.00"
out_of_pocket_max = "2000.00"

[payers.BCBS01.plans."PPO Gold".out_of_network]
copay = "0.00"
coinsurance = "0.50"
deductible = "100.00"
out_of_pocket_max = "5000.00"
allowed_without_contract = "maximum"
maximum_allowable = "0.80"
"""


def policy(
    *,
    pend_rate: str = "0",
    medical_necessity_rate: str = "0",
    non_covered_rate: str = "0",
    recoupment_rate: str = "0",
    authorization_codes: str = "",
    secondary_method: str = "patient_share",
) -> SimPolicy:
    return parse_policy(
        POLICY.format(
            pend_rate=pend_rate,
            medical_necessity_rate=medical_necessity_rate,
            non_covered_rate=non_covered_rate,
            recoupment_rate=recoupment_rate,
            authorization_codes=authorization_codes,
            secondary_method=secondary_method,
        ),
        "test policy",
    )


CONTRACTS = (
    ContractRate("BCBS01", "99213", Money("100.00"), date(2024, 1, 1)),
    ContractRate("BCBS01", "36415", Money("10.00"), date(2024, 1, 1)),
    ContractRate("BCBS01", "96372", Money("20.00"), date(2024, 1, 1)),
    ContractRate("MCD01", "99213", Money("60.00"), date(2024, 1, 1)),
    ContractRate("MCD01", "36415", Money("8.00"), date(2024, 1, 1)),
)


def world(
    sim_policy: SimPolicy | None = None,
    *,
    tier: NetworkTier = NetworkTier.TIER_1,
    coverages: tuple[Coverage, ...] | None = None,
) -> PayerWorld:
    registered = coverages or (replace(coverage(), network_tier=tier),)
    return PayerWorld(
        policy=sim_policy or policy(),
        codes=shared_code_set(),
        payers=(COMMERCIAL, MEDICAID, MEDICARE),
        providers=(BILLING, RENDERING),
        members=tuple(Member(c, patient()) for c in registered),
        contracts=CONTRACTS,
    )


def medicaid_secondary() -> Coverage:
    return coverage(
        payer=MEDICAID, coverage_id="COV2", priority=Priority.SECONDARY, member_id="MCD55"
    )


def send(
    simulator: PayerSimulator, claims: list[ClaimInput], received: date = RECEIVED, number: int = 1
) -> Receipt:
    return simulator.receive_837(
        write_837p(claims, replace(ENVELOPE, interchange_control_number=number)), received
    )
