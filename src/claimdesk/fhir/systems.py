"""The code systems, identifier systems and extensions claimdesk reads and writes.

Standard systems where FHIR and US terminology have one; claimdesk's own under
``https://claimdesk.dev/fhir/`` where FHIR has no place for what a claim needs (docs/fhir.md
lists each with its meaning).
"""

from __future__ import annotations

from typing import Final

# Standard code and identifier systems (terminology.hl7.org, hl7.org/fhir/sid).
NPI: Final = "http://hl7.org/fhir/sid/us-npi"
EIN: Final = "urn:oid:2.16.840.1.113883.4.4"  # the IRS's employer identification number
SSN: Final = "http://hl7.org/fhir/sid/us-ssn"
ICD10CM: Final = "http://hl7.org/fhir/sid/icd-10-cm"
CPT: Final = "http://www.ama-assn.org/go/cpt"
HCPCS: Final = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
NDC: Final = "http://hl7.org/fhir/sid/ndc"
NUCC: Final = "http://nucc.org/provider-taxonomy"
PLACE_OF_SERVICE: Final = (
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
)
SUBSCRIBER_RELATIONSHIP: Final = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
COVERAGE_CLASS: Final = "http://terminology.hl7.org/CodeSystem/coverage-class"
ORGANIZATION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/organization-type"
PARTICIPATION_TYPE: Final = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CLAIM_TYPE: Final = "http://terminology.hl7.org/CodeSystem/claim-type"
PROCESS_PRIORITY: Final = "http://terminology.hl7.org/CodeSystem/processpriority"
CARE_TEAM_ROLE: Final = "http://terminology.hl7.org/CodeSystem/claimcareteamrole"
# CARIN Blue Button's care team roles: FHIR's own have no referring provider.
CARIN_CARE_TEAM_ROLE: Final = "http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBClaimCareTeamRole"
ADJUDICATION: Final = "http://terminology.hl7.org/CodeSystem/adjudication"
PAYMENT_TYPE: Final = "http://terminology.hl7.org/CodeSystem/ex-paymenttype"
# X12's claim adjustment group codes and reason codes (CARC), as CARIN Blue Button names them.
CAS_GROUP: Final = "https://x12.org/codes/claim-adjustment-group-codes"
CARC: Final = "https://x12.org/codes/claim-adjustment-reason-codes"
RARC: Final = "https://x12.org/codes/remittance-advice-remark-codes"
UCUM: Final = "http://unitsofmeasure.org"
CURRENCY: Final = "USD"

_CLAIMDESK: Final = "https://claimdesk.dev/fhir"

# claimdesk's natural keys, as identifiers (docs/bundle.md names each key).
PAYER_ID: Final = f"{_CLAIMDESK}/sid/payer-id"
PATIENT_ACCOUNT: Final = f"{_CLAIMDESK}/sid/patient-account"
GUARANTOR_ACCOUNT: Final = f"{_CLAIMDESK}/sid/guarantor-account"
COVERAGE_ID: Final = f"{_CLAIMDESK}/sid/coverage-id"
FACILITY_ID: Final = f"{_CLAIMDESK}/sid/facility-id"
ENCOUNTER_ID: Final = f"{_CLAIMDESK}/sid/encounter-id"
CLAIM_ID: Final = f"{_CLAIMDESK}/sid/claim-id"
REMITTANCE_ID: Final = f"{_CLAIMDESK}/sid/remittance-id"
# The payer's own number for a claim (CLP07).
PAYER_CLAIM_NUMBER: Final = f"{_CLAIMDESK}/sid/payer-claim-number"
FEE_SCHEDULE: Final = f"{_CLAIMDESK}/fee-schedule"
CONTRACT: Final = f"{_CLAIMDESK}/contract"

# Extensions: what FHIR R4 has no element for.
_EXT: Final = f"{_CLAIMDESK}/StructureDefinition"
PAYER_KIND: Final = f"{_EXT}/payer-kind"  # valueCode medicare, medicaid, commercial...
TIMELY_FILING: Final = f"{_EXT}/timely-filing"  # valueDuration in d or mo
APPEAL_WINDOW: Final = f"{_EXT}/appeal-window"  # valueDuration in d
MEMBER_ID_PATTERN: Final = f"{_EXT}/member-id-pattern"  # valueString
COB_METHOD: Final = f"{_EXT}/cob-method"  # valueCode
TAXONOMY: Final = f"{_EXT}/taxonomy"  # valueCoding (NUCC), on an Organization
NETWORK_TIER: Final = f"{_EXT}/network-tier"  # valuePositiveInt 1, 2, 3 or 9
PRIOR_AUTHORIZATION: Final = f"{_EXT}/prior-authorization"  # valueString, on an Encounter
BILLING_PROVIDER: Final = f"{_EXT}/billing-provider"  # valueReference, on an Encounter
MODIFIER: Final = f"{_EXT}/modifier"  # valueCode, repeated in order
LINE_NUMBER: Final = f"{_EXT}/line-number"  # valuePositiveInt, on a ChargeItem
LINE_PLACE_OF_SERVICE: Final = f"{_EXT}/place-of-service"  # valueCoding, on a ChargeItem
# A drug given on a line (837 loop 2410): sub-extensions ndc (valueCoding), quantity
# (valueQuantity, its code UN, ML, GR, F2 or ME), prescription and link-sequence (valueString).
DRUG: Final = f"{_EXT}/drug"
# One setting of the practice profile (``claimdesk practice set``), on the billing
# Organization: sub-extensions key and value (valueString).
PRACTICE_SETTING: Final = f"{_EXT}/practice-setting"
# The payer of a contracted allowed amount, on a ChargeItemDefinition (valueReference); one
# without it is a charge of the practice's own fee schedule.
CONTRACT_PAYER: Final = f"{_EXT}/contract-payer"

# What claimdesk says of a claim and a payment beside FHIR's own status: the claim's status in
# claimdesk (draft, submitted, paid, denied...), the 835's CLP02 claim status code, and whether
# a later reversal (CLP02 = 22) undid the payment (valueBoolean).
CLAIM_STATUS: Final = f"{_EXT}/claim-status"
CLAIM_PAYMENT_STATUS: Final = f"{_EXT}/claim-payment-status"
REVERSED: Final = f"{_EXT}/reversed"
# The 835's TRN02: the check or EFT trace number of the payment.
PAYMENT_TRACE: Final = f"{_CLAIMDESK}/sid/payment-trace"

# The quantity units of an NDC (CTP05-1), as codes of claimdesk's own system.
DRUG_UNIT: Final = f"{_CLAIMDESK}/CodeSystem/ndc-unit"
