"""Turn a read 837 claim back into the domain objects and the writer's :class:`ClaimInput`.

An 837 does not carry everything the domain keeps: our patient account, coverage and encounter
ids, a payer's filing and appeal windows, the coverage dates and network tier. Those come from
:class:`ImportDefaults` (ids are derived from what the 837 does carry, so importing the same
file twice gives the same ids). Data the claim lacks or that the domain cannot hold is refused
with :class:`ClaimImportError`, which names the claim, the field and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from claimdesk.domain.claims import Claim
from claimdesk.domain.coverage import Coverage, NetworkTier, Priority, Relationship, Subscriber
from claimdesk.domain.encounters import (
    DrugDetail,
    DrugUnit,
    Encounter,
    EncounterError,
    ServiceLine,
)
from claimdesk.domain.filing import FilingLimit, FilingUnit
from claimdesk.domain.parties import Patient
from claimdesk.domain.payers import GOVERNMENT_TIMELY_FILING, Payer, PayerKind
from claimdesk.domain.providers import Facility, Provider, ProviderKind
from claimdesk.edi.x12.codes import ClaimFilingIndicator
from claimdesk.edi.x12.composites import Adjustment as ReadAdjustment
from claimdesk.edi.x12.envelope import whole_number
from claimdesk.edi.x12.writer import X12WriteError
from claimdesk.edi.x837.claim_input import (
    Adjustment,
    AdjustmentGroup,
    ClaimInput,
    InstitutionalClaim,
    LineAdjudication,
    PayTo,
    PrimaryAdjudication,
    Receiver,
    Submitter,
)
from claimdesk.edi.x837.model import Claim837, NamedParty, OtherPayer, ServiceLine837

_KINDS = {
    ClaimFilingIndicator.MEDICARE_PART_A: PayerKind.MEDICARE,
    ClaimFilingIndicator.MEDICARE_PART_B: PayerKind.MEDICARE,
    ClaimFilingIndicator.HMO_MEDICARE_RISK: PayerKind.MEDICARE,
    ClaimFilingIndicator.MEDICAID: PayerKind.MEDICAID,
    ClaimFilingIndicator.WORKERS_COMPENSATION: PayerKind.WORKERS_COMP,
}
# ICD-10-CM codes are sent without the dot, which sits after the third character.
_ICD10_DOT = 3
_DRUG_UNITS = frozenset(unit.value for unit in DrugUnit)


class ClaimImportError(ValueError):
    """A read claim that cannot become domain objects; names the claim, field and reason."""

    def __init__(self, claim_id: str, field: str, reason: str) -> None:
        super().__init__(f"claim {claim_id}: {field}: {reason}")
        self.claim_id = claim_id
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class ImportDefaults:
    """What the domain needs and an 837 does not say.

    ``created_at`` and ``created_by`` stamp the imported claim. A payer's windows default to
    the government rule (12 months) for Medicare and Medicaid and to ``timely_filing_days``
    otherwise. ``admission_zone`` is the zone of the 837I admission time, which has none.
    """

    created_at: datetime
    created_by: str
    timely_filing_days: int = 180
    appeal_window_days: int = 180
    network_tier: NetworkTier = NetworkTier.TIER_1
    admission_zone: tzinfo = UTC


def payer_kind(indicator: ClaimFilingIndicator | None) -> PayerKind:
    """The domain's payer kind for an SBR09 claim filing indicator."""
    return _KINDS.get(indicator, PayerKind.COMMERCIAL) if indicator else PayerKind.COMMERCIAL


def diagnosis_with_dot(code: str) -> str:
    """ICD-10-CM as the domain keeps it: ``J069`` becomes ``J06.9``."""
    return f"{code[:_ICD10_DOT]}.{code[_ICD10_DOT:]}" if len(code) > _ICD10_DOT else code


def to_claim_input(claim: Claim837, defaults: ImportDefaults) -> ClaimInput:
    """The writer's input for ``claim``; raises ClaimImportError when data is missing."""
    return _Importer(claim, defaults).claim_input()


class _Importer:
    def __init__(self, claim: Claim837, defaults: ImportDefaults) -> None:
        self.claim = claim
        self.defaults = defaults
        self.claim_id = claim.claim_id

    def fail(self, field: str, reason: str) -> ClaimImportError:
        return ClaimImportError(self.claim_id, field, reason)

    def need(self, party: NamedParty | None, field: str) -> NamedParty:
        if party is None:
            raise self.fail(field, "is missing")
        return party

    def claim_input(self) -> ClaimInput:
        read = self.claim
        subscriber_level = read.subscriber
        payer = self.payer(
            self.need(subscriber_level.payer, "2010BB payer"), subscriber_level.filing_indicator
        )
        insured = self.need(subscriber_level.subscriber, "2010BA subscriber")
        patient_party = insured
        relationship = Relationship.SELF
        if read.patient is not None:
            patient_party = self.need(read.patient.patient, "2010CA patient")
            found = read.patient.relationship
            if found is None:
                raise self.fail(
                    "PAT01 relationship",
                    f"{read.patient.relationship_code!r} is not a relationship the domain keeps",
                )
            relationship = found
        patient = self.patient(patient_party, insured)
        priority = subscriber_level.priority
        if priority is None:
            raise self.fail("SBR01", f"{subscriber_level.responsibility!r} is not P, S or T")
        coverage = self.coverage(
            patient.account, payer, insured, priority, relationship, subscriber_level.group_number
        )
        billing = self.provider(self.need(read.billing.provider, "2010AA billing provider"))
        billing = Provider(
            billing.npi,
            billing.kind,
            billing.name,
            read.billing.taxonomy,
            read.billing.tax_id,
            billing.first_name,
            billing.address,
        )
        rendering_party = read.rendering or (read.attending if read.institutional_claim else None)
        rendering = self.provider(rendering_party) if rendering_party else billing
        referring = self.provider(read.referring) if read.referring else None
        facility = self.facility(read.service_facility, billing)
        encounter = self.encounter(patient.account, billing, rendering, referring, facility)
        frequency = read.frequency
        if frequency is None:
            raise self.fail("CLM05-3", f"frequency {read.frequency_code!r} is not 1, 7 or 8")
        try:
            domain_claim = Claim(
                claim_id=self.claim_id,
                encounter=encounter,
                coverage_id=coverage.coverage_id,
                payer_id=payer.payer_id,
                created_at=self.defaults.created_at,
                created_by=self.defaults.created_by,
                frequency=frequency,
                replaces_payer_claim_number=read.original_payer_claim_number,
            )
        except ValueError as exc:
            raise self.fail("CLM", str(exc)) from exc
        header = read.header
        submitter = self.need(header.submitter, "1000A submitter")
        receiver = self.need(header.receiver, "1000B receiver")
        pay_to = read.billing.pay_to
        try:
            return ClaimInput(
                claim=domain_claim,
                patient=patient,
                coverage=coverage,
                payer=payer,
                billing_provider=billing,
                submitter=Submitter(
                    submitter.name.last_or_organization,
                    submitter.name.id,
                    header.submitter_contact,
                    header.submitter_phone,
                    header.submitter_email,
                ),
                receiver=Receiver(receiver.name.last_or_organization, receiver.name.id),
                rendering=rendering if read.rendering or read.attending else None,
                referring=referring,
                facility=facility,
                pay_to=PayTo(pay_to.address) if pay_to and pay_to.address else None,
                prior_authorization=read.prior_authorization,
                primary=self.primary(domain_claim, patient.account),
                institutional=self.institutional(domain_claim),
                medicare_secondary_type=subscriber_level.insurance_type,
                provider_signature_on_file=read.provider_signature is not False,
                assignment=read.assignment or "A",
                benefits_assigned=read.benefits_assigned is not False,
                release_of_information=read.release_of_information or "Y",
            )
        except X12WriteError as exc:
            raise self.fail(exc.field, exc.reason) from exc

    # -- parties ---------------------------------------------------------------------------

    def payer(self, party: NamedParty, indicator: ClaimFilingIndicator | None) -> Payer:
        kind = payer_kind(indicator)
        government = kind in (PayerKind.MEDICARE, PayerKind.MEDICAID)
        defaults = self.defaults
        filing = (
            GOVERNMENT_TIMELY_FILING
            if government
            else FilingLimit(defaults.timely_filing_days, FilingUnit.DAYS)
        )
        return Payer(
            payer_id=party.name.id,
            name=party.name.last_or_organization,
            kind=kind,
            timely_filing_days=filing.days,
            appeal_window_days=defaults.appeal_window_days,
            timely_filing_months=filing.months,
        )

    def patient(self, party: NamedParty, insured: NamedParty) -> Patient:
        name = party.name
        if party.birth_date is None or party.sex is None:
            raise self.fail(f"{party.loop} DMG", "the patient's birth date and sex are missing")
        if party.address is None:
            raise self.fail(f"{party.loop} N3/N4", "the patient's address is missing")
        # The member id names the subscriber; a dependent is told apart by name and birth date.
        account = insured.name.id
        if party is not insured:
            account = f"{account}-{name.last_or_organization}-{party.birth_date:%Y%m%d}"
        return Patient(
            account=account,
            last_name=name.last_or_organization,
            first_name=name.first,
            birth_date=party.birth_date,
            sex=party.sex,
            address=party.address,
            middle_name=name.middle,
        )

    def coverage(
        self,
        account: str,
        payer: Payer,
        insured: NamedParty,
        priority: Priority,
        relationship: Relationship,
        group_number: str,
    ) -> Coverage:
        subscriber = None
        if relationship is not Relationship.SELF:
            subscriber = Subscriber(
                insured.name.last_or_organization,
                insured.name.first,
                insured.birth_date,
                insured.sex.value if insured.sex else "",
            )
        return Coverage(
            coverage_id=f"{payer.payer_id}:{insured.name.id}",
            patient_account=account,
            payer_id=payer.payer_id,
            plan_name="",
            member_id=insured.name.id,
            group_number=group_number,
            priority=priority,
            relationship=relationship,
            effective=self.first_service_date(),
            termination=None,
            network_tier=self.defaults.network_tier,
            subscriber=subscriber,
        )

    def provider(self, party: NamedParty) -> Provider:
        name = party.name
        kind = ProviderKind.INDIVIDUAL if name.entity_type == "1" else ProviderKind.ORGANIZATION
        return Provider(
            npi=party.npi,
            kind=kind,
            name=name.last_or_organization,
            taxonomy=party.taxonomy,
            tax_id=party.reference("EI"),
            first_name=name.first,
            address=party.address,
        )

    def facility(self, party: NamedParty | None, billing: Provider) -> Facility | None:
        read = self.claim
        place = "" if read.institutional_claim else read.facility_code
        if party is None:
            # No 2310C/2310E: the service was at the billing provider's address, and for a
            # professional claim CLM05-1 is the place of service there.
            if read.institutional_claim or billing.address is None:
                return None
            return Facility(billing.npi, billing.name, place, billing.address, billing.npi)
        if party.address is None:
            raise self.fail(f"{party.loop} N3/N4", "the service facility's address is missing")
        name = party.name
        return Facility(
            name.id or name.last_or_organization,
            name.last_or_organization,
            place,
            party.address,
            party.npi,
        )

    # -- services --------------------------------------------------------------------------

    def first_service_date(self) -> date:
        dates = [line.service_period.start for line in self.claim.lines if line.service_period]
        statement = self.claim.statement_period
        if statement is not None:
            dates.append(statement.start)
        if not dates:
            raise self.fail("DTP*472", "no service date on any line")
        return min(dates)

    def line_number(self, line: ServiceLine837, index: int) -> int:
        """Our line number from REF*6R (``{claim id}-{n}``) when it is ours, else the LX."""
        prefix = f"{self.claim_id}-"
        control = line.control_number
        ours = whole_number(control[len(prefix) :]) if control.startswith(prefix) else None
        return ours or line.number or index

    def drug(self, line: ServiceLine837, where: str) -> DrugDetail | None:
        """Loop 2410 as the domain keeps it; the reader has reported what is malformed."""
        read = line.drug
        if read is None:
            return None
        if read.quantity is None or read.unit not in _DRUG_UNITS:
            raise self.fail(f"{where} 2410 CTP", f"unit {read.unit[:4]!r} or quantity missing")
        reference = read.reference
        qualifier = "" if reference is None else reference.qualifier
        value = "" if reference is None else reference.value
        try:
            return DrugDetail(
                ndc=read.ndc,
                quantity=read.quantity,
                unit=DrugUnit(read.unit),
                prescription_number=value if qualifier == "XZ" else "",
                link_sequence=value if qualifier == "VY" else "",
            )
        except EncounterError as exc:
            raise self.fail(f"{where} 2410 LIN", str(exc)) from exc

    def encounter(
        self,
        account: str,
        billing: Provider,
        rendering: Provider,
        referring: Provider | None,
        facility: Facility | None,
    ) -> Encounter:
        read = self.claim
        lines: list[ServiceLine] = []
        for index, line in enumerate(read.lines, 1):
            where = f"2400 line {line.number or index}"
            period = line.service_period
            service_date = period.start if period else self.first_service_date()
            if line.charge is None or line.units is None:
                raise self.fail(where, "the charge or units could not be read")
            pointers = line.diagnosis_pointers or (1,)
            place = line.place_of_service or (
                read.facility_code if not read.institutional_claim else ""
            )
            try:
                lines.append(
                    ServiceLine(
                        line_number=self.line_number(line, index),
                        procedure_code=line.procedure.code if line.procedure else "",
                        charge=line.charge,
                        units=line.units,
                        date_of_service=service_date,
                        place_of_service=place,
                        diagnosis_pointers=pointers,
                        modifiers=line.procedure.modifiers if line.procedure else (),
                        drug=self.drug(line, where),
                    )
                )
            except EncounterError as exc:
                raise self.fail(where, str(exc)) from exc
        if not lines:
            raise self.fail("2400", "the claim has no service lines")
        try:
            return Encounter(
                encounter_id=self.claim_id,
                patient_account=account,
                rendering_npi=rendering.npi,
                billing_npi=billing.npi,
                facility_id=facility.facility_id if facility else "",
                date_of_service=min(line.date_of_service for line in lines),
                diagnoses=tuple(diagnosis_with_dot(code) for code in read.diagnoses),
                lines=tuple(lines),
                referring_npi=referring.npi if referring else "",
                prior_authorization=read.prior_authorization,
            )
        except EncounterError as exc:
            raise self.fail("HI diagnoses", str(exc)) from exc

    def institutional(self, domain_claim: Claim) -> InstitutionalClaim | None:
        read = self.claim
        if not read.institutional_claim:
            return None
        info = read.institutional
        revenue_codes = {
            line.line_number: source.revenue_code
            for line, source in zip(
                sorted(domain_claim.lines, key=lambda ln: ln.line_number), read.lines, strict=True
            )
        }
        statement = read.statement_period
        admitted_at = None
        admission_date = read.admission_date
        if admission_date is not None and read.admission_time is not None:
            admitted_at = datetime.combine(
                admission_date, read.admission_time, tzinfo=self.defaults.admission_zone
            )
        attending = read.attending
        return InstitutionalClaim(
            facility_type_code=read.facility_code,
            revenue_codes=revenue_codes,
            patient_status_code=info.patient_status if info else "",
            admission_type_code=info.admission_type if info else "",
            admission_source_code=info.admission_source if info else "",
            admitted_at=admitted_at,
            statement_from=statement.start if statement else None,
            statement_through=statement.end if statement else None,
            admitting_diagnosis=diagnosis_with_dot(read.admitting_diagnosis)
            if read.admitting_diagnosis
            else "",
            attending=self.provider(attending) if attending else None,
        )

    # -- the prior payer -------------------------------------------------------------------

    def primary(self, domain_claim: Claim, account: str) -> PrimaryAdjudication | None:
        read = self.claim
        if not read.other_payers:
            return None
        other = self.prior_payer(read.other_payers)
        payer = self.payer(self.need(other.payer, "2330B other payer"), other.filing_indicator)
        insured = self.need(other.subscriber, "2330A other subscriber")
        priority = other.priority
        relationship = other.relationship
        if priority is None or relationship is None:
            raise self.fail("2320 SBR01/SBR02", "the other payer's order or relationship")
        paid = other.paid
        if paid is None:
            raise self.fail("2320 AMT*D", "the other payer's paid amount is missing")
        coverage = self.coverage(
            account, payer, insured, priority, relationship, other.group_number
        )
        lines: list[LineAdjudication] = []
        adjudicated_on = other.adjudicated_on
        ours = sorted(domain_claim.lines, key=lambda ln: ln.line_number)
        for domain_line, line in zip(ours, read.lines, strict=True):
            for svd in line.adjudications:
                if svd.payer_id != payer.payer_id:
                    continue
                if svd.paid is None:
                    raise self.fail(f"2430 line {domain_line.line_number}", "SVD02 is missing")
                adjudicated_on = adjudicated_on or svd.adjudicated_on
                same_procedure = svd.procedure is not None and (
                    svd.procedure.code == domain_line.procedure_code
                    and svd.procedure.modifiers == domain_line.modifiers
                )
                lines.append(
                    LineAdjudication(
                        line_number=domain_line.line_number,
                        paid=svd.paid,
                        adjustments=_adjustments(svd.adjustments),
                        paid_units=None if svd.paid_units == domain_line.units else svd.paid_units,
                        procedure_code=""
                        if same_procedure or svd.procedure is None
                        else svd.procedure.code,
                        modifiers=None
                        if same_procedure or svd.procedure is None
                        else svd.procedure.modifiers,
                        patient_responsibility=svd.patient_responsibility,
                    )
                )
        if adjudicated_on is None:
            raise self.fail("2330B DTP*573", "the other payer's adjudication date is missing")
        return PrimaryAdjudication(
            payer=payer,
            coverage=coverage,
            paid=paid,
            adjudicated_on=adjudicated_on,
            claim_adjustments=_adjustments(other.adjustments),
            lines=tuple(lines),
            patient_responsibility=other.patient_responsibility,
            payer_claim_number=other.payer_claim_number,
        )

    def prior_payer(self, others: tuple[OtherPayer, ...]) -> OtherPayer:
        """The payer that adjudicated before this one: the one with the paid amount (AMT*D)."""
        paying = [o for o in others if o.paid is not None]
        if len(paying) > 1:
            raise self.fail("2320", "more than one prior payer; the domain keeps one")
        return paying[0] if paying else others[0]


def _adjustments(items: tuple[ReadAdjustment, ...]) -> tuple[Adjustment, ...]:
    return tuple(
        Adjustment(AdjustmentGroup(a.group.value), a.reason, a.amount, a.quantity) for a in items
    )
