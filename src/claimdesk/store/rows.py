"""Translation between domain objects and plain row dictionaries (column name -> value).

Rows are dictionaries so that the same translation serves single-row repository calls and the
bulk statements of an import. Enumerations are stored by value, money as ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from claimdesk.domain.claims import Claim, ClaimStatus, FrequencyCode, StatusChange
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship, Subscriber
from claimdesk.domain.encounters import (
    MAX_MODIFIERS,
    MAX_POINTERS,
    DrugDetail,
    DrugUnit,
    Encounter,
    ServiceLine,
)
from claimdesk.domain.ledger import Account, Dimensions, Entry, EntryKind, Posting
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Guarantor, Patient, Sex
from claimdesk.domain.payers import CobMethod, ContractRate, FeeScheduleItem, Payer, PayerKind
from claimdesk.domain.providers import Facility, Provider, ProviderKind

Row = dict[str, Any]
RowIn = Mapping[Any, Any]  # a dict or a SQLAlchemy RowMapping


def _address_row(address: Address) -> Row:
    return {
        "address_line1": address.line1,
        "address_line2": address.line2,
        "city": address.city,
        "state": address.state,
        "postal_code": address.postal_code,
    }


def _address(row: RowIn) -> Address:
    return Address(
        line1=row["address_line1"],
        line2=row["address_line2"] or "",
        city=row["city"],
        state=row["state"],
        postal_code=row["postal_code"],
    )


def payer_row(payer: Payer) -> Row:
    return {
        "payer_id": payer.payer_id,
        "name": payer.name,
        "kind": payer.kind.value,
        "timely_filing_days": payer.timely_filing_days,
        "appeal_window_days": payer.appeal_window_days,
        "member_id_pattern": payer.member_id_pattern,
        "timely_filing_months": payer.timely_filing_months,
        "cob_method": payer.cob_method.value if payer.cob_method is not None else None,
    }


def payer_of(row: RowIn) -> Payer:
    return Payer(
        payer_id=row["payer_id"],
        name=row["name"],
        kind=PayerKind(row["kind"]),
        timely_filing_days=row["timely_filing_days"],
        appeal_window_days=row["appeal_window_days"],
        member_id_pattern=row["member_id_pattern"],
        timely_filing_months=row["timely_filing_months"],
        cob_method=CobMethod(row["cob_method"]) if row["cob_method"] else None,
    )


def provider_row(provider: Provider) -> Row:
    row: Row = {
        "npi": provider.npi,
        "kind": provider.kind.value,
        "name": provider.name,
        "first_name": provider.first_name,
        "taxonomy": provider.taxonomy,
        "tax_id": provider.tax_id,
    }
    if provider.address is None:
        row.update(dict.fromkeys(_address_row(Address("", "", "", "")), None))
    else:
        row.update(_address_row(provider.address))
    return row


def provider_of(row: RowIn) -> Provider:
    return Provider(
        npi=row["npi"],
        kind=ProviderKind(row["kind"]),
        name=row["name"],
        first_name=row["first_name"],
        taxonomy=row["taxonomy"],
        tax_id=row["tax_id"],
        address=None if row["address_line1"] is None else _address(row),
    )


def facility_row(facility: Facility) -> Row:
    return {
        "facility_id": facility.facility_id,
        "name": facility.name,
        "place_of_service": facility.place_of_service,
        "npi": facility.npi,
        **_address_row(facility.address),
    }


def facility_of(row: RowIn) -> Facility:
    return Facility(
        facility_id=row["facility_id"],
        name=row["name"],
        place_of_service=row["place_of_service"],
        npi=row["npi"],
        address=_address(row),
    )


def guarantor_row(guarantor: Guarantor) -> Row:
    return {
        "account": guarantor.account,
        "last_name": guarantor.last_name,
        "first_name": guarantor.first_name,
        "phone": guarantor.phone,
        **_address_row(guarantor.address),
    }


def guarantor_of(row: RowIn) -> Guarantor:
    return Guarantor(
        account=row["account"],
        last_name=row["last_name"],
        first_name=row["first_name"],
        phone=row["phone"],
        address=_address(row),
    )


def patient_row(patient: Patient) -> Row:
    return {
        "account": patient.account,
        "last_name": patient.last_name,
        "first_name": patient.first_name,
        "middle_name": patient.middle_name,
        "birth_date": patient.birth_date,
        "sex": patient.sex.value,
        "phone": patient.phone,
        "guarantor_account": patient.guarantor_account,
        "uninsured_since": patient.uninsured_since,
        **_address_row(patient.address),
    }


def patient_of(row: RowIn) -> Patient:
    return Patient(
        account=row["account"],
        last_name=row["last_name"],
        first_name=row["first_name"],
        middle_name=row["middle_name"],
        birth_date=row["birth_date"],
        sex=Sex(row["sex"]),
        phone=row["phone"],
        guarantor_account=row["guarantor_account"],
        uninsured_since=row.get("uninsured_since"),
        address=_address(row),
    )


def coverage_row(coverage: Coverage) -> Row:
    subscriber = coverage.subscriber
    return {
        "coverage_id": coverage.coverage_id,
        "patient_account": coverage.patient_account,
        "payer_id": coverage.payer_id,
        "plan_name": coverage.plan_name,
        "member_id": coverage.member_id,
        "group_number": coverage.group_number,
        "priority": int(coverage.priority),
        "relationship": coverage.relationship.value,
        "effective": coverage.effective,
        "termination": coverage.termination,
        "network_tier": int(coverage.network_tier),
        "subscriber_last_name": None if subscriber is None else subscriber.last_name,
        "subscriber_first_name": None if subscriber is None else subscriber.first_name,
        "subscriber_birth_date": None if subscriber is None else subscriber.birth_date,
        "subscriber_sex": None if subscriber is None else subscriber.sex,
    }


def coverage_of(row: RowIn) -> Coverage:
    subscriber = None
    if row["subscriber_last_name"] is not None:
        subscriber = Subscriber(
            last_name=row["subscriber_last_name"],
            first_name=row["subscriber_first_name"] or "",
            birth_date=row["subscriber_birth_date"],
            sex=row["subscriber_sex"] or "",
        )
    return Coverage(
        coverage_id=row["coverage_id"],
        patient_account=row["patient_account"],
        payer_id=row["payer_id"],
        plan_name=row["plan_name"],
        member_id=row["member_id"],
        group_number=row["group_number"],
        priority=Priority(row["priority"]),
        relationship=Relationship(row["relationship"]),
        effective=row["effective"],
        termination=row["termination"],
        network_tier=NetworkTier(row["network_tier"]),
        subscriber=subscriber,
    )


def fee_row(item: FeeScheduleItem) -> Row:
    return {
        "code": item.code,
        "modifier": item.modifier,
        "effective": item.effective,
        "charge": item.charge.amount,
    }


def fee_of(row: RowIn) -> FeeScheduleItem:
    return FeeScheduleItem(
        code=row["code"],
        modifier=row["modifier"],
        effective=row["effective"],
        charge=Money(row["charge"]),
    )


def contract_row(rate: ContractRate) -> Row:
    return {
        "payer_id": rate.payer_id,
        "code": rate.code,
        "modifier": rate.modifier,
        "effective": rate.effective,
        "termination": rate.termination,
        "allowed": rate.allowed.amount,
    }


def contract_of(row: RowIn) -> ContractRate:
    return ContractRate(
        payer_id=row["payer_id"],
        code=row["code"],
        modifier=row["modifier"],
        effective=row["effective"],
        termination=row["termination"],
        allowed=Money(row["allowed"]),
    )


def encounter_row(encounter: Encounter) -> Row:
    """The encounter's own columns; diagnoses and lines have rows of their own."""
    return {
        "encounter_id": encounter.encounter_id,
        "patient_account": encounter.patient_account,
        "rendering_npi": encounter.rendering_npi,
        "billing_npi": encounter.billing_npi,
        "facility_id": encounter.facility_id,
        "date_of_service": encounter.date_of_service,
        "referring_npi": encounter.referring_npi,
        "prior_authorization": encounter.prior_authorization,
    }


def diagnosis_rows(encounter: Encounter) -> list[Row]:
    return [
        {"encounter_id": encounter.encounter_id, "position": position, "code": code}
        for position, code in enumerate(encounter.diagnoses, start=1)
    ]


def line_row(encounter_id: str, line: ServiceLine) -> Row:
    modifiers = list(line.modifiers) + [""] * (MAX_MODIFIERS - len(line.modifiers))
    pointers: list[int | None] = list(line.diagnosis_pointers)
    pointers += [None] * (MAX_POINTERS - len(pointers))
    return {
        "encounter_id": encounter_id,
        "line_number": line.line_number,
        "procedure_code": line.procedure_code,
        "charge": line.charge.amount,
        "units": line.units,
        "date_of_service": line.date_of_service,
        "place_of_service": line.place_of_service,
        **{f"modifier{i}": m for i, m in enumerate(modifiers, start=1)},
        **{f"pointer{i}": p for i, p in enumerate(pointers, start=1)},
        **_drug_columns(line.drug),
    }


def _drug_columns(drug: DrugDetail | None) -> Row:
    if drug is None:
        return {
            "ndc": "",
            "ndc_quantity": None,
            "ndc_unit": "",
            "ndc_prescription": "",
            "ndc_link_sequence": "",
        }
    return {
        "ndc": drug.ndc,
        "ndc_quantity": drug.quantity,
        "ndc_unit": drug.unit.value,
        "ndc_prescription": drug.prescription_number,
        "ndc_link_sequence": drug.link_sequence,
    }


def _drug_of(row: RowIn) -> DrugDetail | None:
    if not row["ndc"]:
        return None
    return DrugDetail(
        ndc=row["ndc"],
        quantity=_plain(row["ndc_quantity"]),
        unit=DrugUnit(row["ndc_unit"]),
        prescription_number=row["ndc_prescription"],
        link_sequence=row["ndc_link_sequence"],
    )


def _plain(value: Decimal) -> Decimal:
    """Units without the column's trailing zeros: 1.000 reads back as 1, 1.500 as 1.5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def line_of(row: RowIn) -> ServiceLine:
    modifiers = (row[f"modifier{i}"] for i in range(1, MAX_MODIFIERS + 1))
    pointers = (row[f"pointer{i}"] for i in range(1, MAX_POINTERS + 1))
    return ServiceLine(
        line_number=row["line_number"],
        procedure_code=row["procedure_code"],
        charge=Money(row["charge"]),
        units=_plain(row["units"]),
        date_of_service=row["date_of_service"],
        place_of_service=row["place_of_service"],
        modifiers=tuple(m for m in modifiers if m),
        diagnosis_pointers=tuple(p for p in pointers if p is not None),
        drug=_drug_of(row),
    )


def encounter_of(row: RowIn, diagnoses: list[RowIn], lines: list[RowIn]) -> Encounter:
    return Encounter(
        encounter_id=row["encounter_id"],
        patient_account=row["patient_account"],
        rendering_npi=row["rendering_npi"],
        billing_npi=row["billing_npi"],
        facility_id=row["facility_id"],
        date_of_service=row["date_of_service"],
        referring_npi=row["referring_npi"],
        prior_authorization=row["prior_authorization"],
        diagnoses=tuple(d["code"] for d in sorted(diagnoses, key=lambda d: d["position"])),
        lines=tuple(line_of(line) for line in sorted(lines, key=lambda r: r["line_number"])),
    )


def claim_row(claim: Claim) -> Row:
    return {
        "claim_id": claim.claim_id,
        "encounter_id": claim.encounter.encounter_id,
        # A self-pay claim has no coverage: "" in the domain, NULL in the database.
        "coverage_id": claim.coverage_id or None,
        "payer_id": claim.payer_id,
        "status": claim.status.value,
        "frequency": claim.frequency.value,
        "replaces_payer_claim_number": claim.replaces_payer_claim_number,
        "payer_claim_number": claim.payer_claim_number,
        "created_at": claim.created_at,
        "created_by": claim.created_by,
        "prior_authorization": claim.prior_authorization,
    }


def status_row(claim_id: str, seq: int, change: StatusChange) -> Row:
    return {
        "claim_id": claim_id,
        "seq": seq,
        "at": change.at,
        "by": change.by,
        "from_status": None if change.from_status is None else change.from_status.value,
        "to_status": change.to_status.value,
        "reason": change.reason,
    }


def status_of(row: RowIn) -> StatusChange:
    return StatusChange(
        at=row["at"],
        by=row["by"],
        from_status=None if row["from_status"] is None else ClaimStatus(row["from_status"]),
        to_status=ClaimStatus(row["to_status"]),
        reason=row["reason"],
    )


def claim_of(row: RowIn, encounter: Encounter, history: list[RowIn]) -> Claim:
    changes = [status_of(h) for h in sorted(history, key=lambda h: h["seq"])]
    return Claim(
        claim_id=row["claim_id"],
        encounter=encounter,
        coverage_id=row["coverage_id"] or "",
        payer_id=row["payer_id"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        frequency=FrequencyCode(row["frequency"]),
        replaces_payer_claim_number=row["replaces_payer_claim_number"],
        payer_claim_number=row["payer_claim_number"],
        status=ClaimStatus(row["status"]),
        history=changes,
        prior_authorization=row["prior_authorization"],
    )


def entry_row(entry: Entry) -> Row:
    return {
        "entry_id": entry.entry_id,
        "kind": entry.kind.value,
        "effective": entry.effective,
        "recorded_at": entry.recorded_at,
        "recorded_by": entry.recorded_by,
        "source": entry.source,
        "memo": entry.memo,
        "reverses": entry.reverses,
    }


def posting_rows(entry: Entry) -> list[Row]:
    return [
        {
            "entry_id": entry.entry_id,
            "position": position,
            "account": posting.account.value,
            "amount": posting.amount.amount,
            "patient_account": posting.dims.patient_account,
            "claim_id": posting.dims.claim_id,
            "line_number": posting.dims.line_number,
            "payer_id": posting.dims.payer_id,
            "effective": entry.effective,
        }
        for position, posting in enumerate(entry.postings, start=1)
    ]


def posting_of(row: RowIn) -> Posting:
    return Posting(
        account=Account(row["account"]),
        amount=Money(row["amount"]),
        dims=Dimensions(
            patient_account=row["patient_account"],
            claim_id=row["claim_id"],
            line_number=row["line_number"],
            payer_id=row["payer_id"],
        ),
    )


def entry_of(row: RowIn, postings: list[RowIn]) -> Entry:
    return Entry(
        entry_id=row["entry_id"],
        kind=EntryKind(row["kind"]),
        effective=row["effective"],
        recorded_at=row["recorded_at"],
        recorded_by=row["recorded_by"],
        source=row["source"],
        memo=row["memo"],
        reverses=row["reverses"],
        postings=tuple(posting_of(p) for p in sorted(postings, key=lambda p: p["position"])),
    )
