"""Adjudicate one 837 claim the way a payer would: deny what has a cause, pay the rest.

Causes are checked in the order a payer's system meets them. Whole-claim causes first: a
duplicate, timely filing, a member the payer cannot find, coverage not active on the date of
service, another payer primary, an invalid diagnosis code. Then per line: a diagnosis pointer to
history/status codes only, a missing prior authorization, an NCCI bundling pair. Then the causes a
front end cannot see (medical necessity, non-covered), drawn from a generator seeded with the
policy's seed and the claim id, so a claim's answer does not depend on the order of the batch.

A line that is paid is priced by the payer's own benefit rules for the member's network tier
(``payer_sim.pricing``, independent of claimdesk's estimate): in network at the contract's allowed
amount (CO-45 takes the charge above it), out of network at the plan's allowed amount for a
service with no contract (PR-45 when the provider may bill the patient the rest). A secondary
payer pays up to what the primary left to the patient (2320/2430).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from claimdesk.domain.coverage import NetworkTier, Priority, Relationship
from claimdesk.domain.money import Money, total
from claimdesk.edi.x12.codes import AdjustmentGroup, ClaimFilingIndicator, ClaimStatus
from claimdesk.edi.x12.composites import (
    Adjustment,
    EntityName,
    Procedure,
    QualifiedAmount,
    QualifiedDate,
    Reference,
)
from claimdesk.edi.x835.model import ClaimPayment, Remark, ServicePayment
from claimdesk.edi.x837.model import Claim837, NamedParty, ServiceLine837
from claimdesk.payer_sim.policy import AdjustmentCode, PayerPolicy, SecondaryMethod
from claimdesk.payer_sim.pricing import ClaimPricer, LineToPrice
from claimdesk.payer_sim.state import SimState
from claimdesk.payer_sim.world import Member, PayerWorld
from claimdesk.scrub.reference import DiagnosisStatus

# CLP06 codes the 835 allows; commercial (CI), Blue Cross (BL) and FEP (FI) are 837-only codes.
_CLP06 = frozenset(
    {"12", "13", "14", "15", "16", "17", "AM", "CH", "DS", "HM", "LM", "MA", "MB", "MC", "OF"}
    | {"TV", "VA", "WC", "ZZ"}
)
_PROCESSED_AS = {
    Priority.PRIMARY: ClaimStatus.PRIMARY,
    Priority.SECONDARY: ClaimStatus.SECONDARY,
    Priority.TERTIARY: ClaimStatus.TERTIARY,
}
_COPAY, _DEDUCTIBLE, _COINSURANCE = "3", "1", "2"
_ABOVE_ALLOWED = "45"  # PR-45: the charge above the allowed amount, the patient's out of network
_PRIOR_PAYER = "23"  # OA-23: the impact of the prior payer's adjudication


@dataclass(frozen=True, slots=True)
class Denial:
    """Why a line (or, with ``line`` None, the whole claim) was not paid."""

    cause: str  # the policy's adjustment name, e.g. "coverage_ended"
    code: AdjustmentCode
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Draws:
    """Every random number one claim needs, drawn in a fixed order from its own generator."""

    medical_necessity: float
    non_covered: float
    line: int
    pend: float
    recoupment: float


def draws(seed: int, payer_id: str, claim_id: str, submission: int, lines: int) -> Draws:
    rng = random.Random(f"{seed}:{payer_id}:{claim_id}:{submission}")
    return Draws(
        rng.random(), rng.random(), rng.randrange(max(lines, 1)), rng.random(), rng.random()
    )


@dataclass(frozen=True, slots=True)
class Adjudication:
    payment: ClaimPayment
    denials: tuple[Denial, ...]
    member: Member | None
    accumulator_key: tuple[str, str, int] | None
    deductible_applied: Money
    patient_applied: Money
    draws: Draws
    # Billed as a later payer: what the prior payers left open on each line (2430 PR), in the
    # claim's line order; ``None`` when this payer was billed first.
    prior_open: tuple[Money, ...] | None = None

    @property
    def denied(self) -> bool:
        return bool(self.denials)


@dataclass(frozen=True, slots=True)
class _Line:
    index: int
    source: ServiceLine837
    code: str
    modifiers: tuple[str, ...]
    charge: Money
    units: Decimal
    day: date


def service_day(claim: Claim837, line: ServiceLine837) -> date | None:
    period = line.service_period or claim.statement_period
    return period.start if period is not None else None


def first_service_day(claim: Claim837) -> date | None:
    days = [d for d in (service_day(claim, line) for line in claim.lines) if d is not None]
    return min(days, default=None)


def duplicate_key(claim: Claim837) -> tuple[object, ...]:
    """What makes two claims the same service: payer, member, patient, days, codes, charges."""
    patient = claim.patient.patient if claim.patient is not None else claim.subscriber.subscriber
    name = patient.name if patient is not None else None
    lines = tuple(
        sorted(
            (
                str(service_day(claim, line)),
                line.procedure.code if line.procedure else "",
                line.procedure.modifiers if line.procedure else (),
                str(line.charge),
            )
            for line in claim.lines
        )
    )
    return (
        payer_id_of(claim),
        claim.subscriber.member_id,
        name.last_or_organization if name else "",
        name.first if name else "",
        lines,
    )


def payer_id_of(claim: Claim837) -> str:
    payer = claim.subscriber.payer
    return payer.name.id if payer is not None else ""


def patient_party(claim: Claim837) -> NamedParty | None:
    return claim.patient.patient if claim.patient is not None else claim.subscriber.subscriber


def filing_indicator(claim: Claim837) -> ClaimFilingIndicator:
    """CLP06: the 837's SBR09 when the 835 allows it, else mutually defined (ZZ)."""
    indicator = claim.subscriber.filing_indicator
    if indicator is not None and indicator.value in _CLP06:
        return indicator
    return ClaimFilingIndicator.MUTUALLY_DEFINED


def _adjustment(code: AdjustmentCode, amount: Money) -> Adjustment:
    return Adjustment(code.group, code.carc, amount)


def _name(party: NamedParty | None, entity: str, member_id: str) -> EntityName:
    name = party.name if party is not None else None
    return EntityName(
        entity=entity,
        entity_type="1",
        last_or_organization=name.last_or_organization if name else "UNKNOWN",
        first=name.first if name else "",
        middle=name.middle if name else "",
        id_qualifier="MI" if member_id else "",
        id=member_id,
    )


class _Adjudicator:
    def __init__(
        self,
        claim: Claim837,
        world: PayerWorld,
        state: SimState,
        received: date,
        submission: int,
    ) -> None:
        self.claim = claim
        self.world = world
        self.state = state
        self.received = received
        self.payer_id = payer_id_of(claim)
        self.policy: PayerPolicy = world.policy.for_payer(self.payer_id)
        self.codes = self.policy.adjustments
        self.lines = [
            _Line(
                index=n,
                source=line,
                code=line.procedure.code if line.procedure else "",
                modifiers=line.procedure.modifiers if line.procedure else (),
                charge=line.charge or Money.zero(),
                units=line.units or Decimal(1),
                day=service_day(claim, line) or received,
            )
            for n, line in enumerate(claim.lines, start=1)
        ]
        self.draws = draws(
            world.policy.seed, self.payer_id, claim.claim_id, submission, len(self.lines)
        )
        patient = patient_party(claim)
        self.member = world.member(
            self.payer_id,
            claim.subscriber.member_id,
            first_name=patient.name.first if patient is not None else "",
            birth_date=patient.birth_date if patient is not None else None,
        )

    # -- causes ------------------------------------------------------------------------------

    def claim_denial(self, duplicate: bool) -> Denial | None:
        codes = self.codes
        first = min(line.day for line in self.lines)
        payer = self.world.payers.get(self.payer_id)
        if duplicate:
            return Denial("duplicate", codes.duplicate)
        # The payer counts its limit as it states it (12 months for Medicare, 42 CFR 424.44);
        # a claim received on the last day is on time.
        if payer is not None and self.received > payer.timely_filing.last_day(first):
            return Denial("timely_filing", codes.timely_filing)
        member = self.member
        if member is None:
            return Denial("member_not_found", codes.member_not_found)
        coverage = member.coverage
        if not coverage.active_on(first):
            if first < coverage.effective:
                return Denial("coverage_not_started", codes.coverage_not_started)
            return Denial("coverage_ended", codes.coverage_ended)
        minimum = self.policy.minimum_subscriber_age
        if (
            coverage.relationship is Relationship.SELF
            and minimum
            and member.patient.age_on(first) < minimum
        ):
            # An employer plan's subscriber is an adult: a child sent as the subscriber is a
            # dependent on the payer's file, and the claim names no such subscriber.
            return Denial("member_not_found", codes.member_not_found)
        billed_as = self.claim.subscriber.priority
        if billed_as is Priority.PRIMARY and coverage.priority is not Priority.PRIMARY:
            return Denial("other_payer_primary", codes.other_payer_primary)
        for code in self.claim.diagnoses:
            if self.world.codes.facts(code, first).status is not DiagnosisStatus.VALID:
                return Denial("invalid_diagnosis", codes.invalid_diagnosis)
        return None

    def line_denials(self) -> list[Denial]:
        codes = self.codes
        diagnoses = self.claim.diagnoses
        authorized = bool(self.claim.prior_authorization)
        found: list[Denial] = []
        for line in self.lines:
            pointed = [
                diagnoses[p - 1] for p in line.source.diagnosis_pointers if p <= len(diagnoses)
            ]
            if (
                pointed
                and all(
                    self.world.codes.facts(code, line.day).history_or_status for code in pointed
                )
                and not any(self.world.policy.indicates(code, line.code) for code in pointed)
            ):
                found.append(Denial("diagnosis_not_supporting", codes.diagnosis_not_supporting))
            elif line.code in self.policy.authorization_codes and not authorized:
                found.append(Denial("authorization_missing", codes.authorization_missing))
            elif self._bundled(line):
                found.append(Denial("bundled", codes.bundled))
            else:
                continue
            found[-1] = Denial(found[-1].cause, found[-1].code, line.index)
        denied = {d.line for d in found}
        chosen = self.lines[self.draws.line]
        if chosen.index not in denied:
            if self.draws.medical_necessity < self.policy.medical_necessity_rate:
                found.append(Denial("medical_necessity", codes.medical_necessity, chosen.index))
            elif self.draws.non_covered < self.policy.non_covered_rate:
                found.append(Denial("non_covered", codes.non_covered, chosen.index))
        return found

    def _bundled(self, line: _Line) -> bool:
        for edit in self.world.policy.ncci:
            if line.code not in edit.column2 or edit.modifiers.intersection(line.modifiers):
                continue
            if any(
                other.index != line.index and other.day == line.day and other.code in edit.column1
                for other in self.lines
            ):
                return True
        return False

    # -- pricing -----------------------------------------------------------------------------

    def accumulator_key(self) -> tuple[str, str, int] | None:
        if self.member is None:
            return None
        first = min(line.day for line in self.lines)
        return (self.payer_id, self.member.patient.account, first.year)

    def _taxonomy(self) -> str:
        """The rendering provider's taxonomy on the payer's file (the billing provider renders
        when the claim names no other)."""
        party = self.claim.rendering or self.claim.billing.provider
        provider = self.world.providers.get(party.name.id) if party is not None else None
        return provider.taxonomy if provider is not None else ""

    def adjudicate(self, duplicate: bool) -> Adjudication:
        whole = self.claim_denial(duplicate)
        denials = [whole] if whole is not None else self.line_denials()
        by_line = {d.line: d for d in denials}
        paid_lines = [ln for ln in self.lines if whole is None and ln.index not in by_line]
        key = self.accumulator_key() if paid_lines else None
        deductible_applied = patient_applied = Money.zero()
        allowed: dict[int, Money] = {}
        balances: dict[int, Money] = {}
        shares: dict[int, list[Adjustment]] = {}
        paid: dict[int, Money] = {}
        if key is not None:
            assert self.member is not None
            coverage = self.member.coverage
            accumulator = self.state.accumulator(key)
            before = (accumulator.deductible_met, accumulator.out_of_pocket_met)
            pricer = ClaimPricer(
                self.world.benefits(coverage),
                self.world.policy.services,
                accumulator,
                in_network=coverage.network_tier is not NetworkTier.OUT_OF_NETWORK,
                no_rate_share=self.policy.no_rate_share,
            )
            taxonomy = self._taxonomy()
            priced = pricer.price(
                LineToPrice(
                    ln.index,
                    ln.code,
                    ln.charge,
                    self.world.contract_allowed(
                        self.payer_id, ln.code, ln.modifiers, ln.day, ln.units
                    ),
                    taxonomy,
                )
                for ln in paid_lines
            )
            patient = AdjustmentGroup.PATIENT_RESPONSIBILITY
            for line in priced:
                allowed[line.index] = line.allowed
                balances[line.index] = line.balance
                parts = (
                    (_COPAY, line.copay),
                    (_DEDUCTIBLE, line.deductible),
                    (_COINSURANCE, line.coinsurance),
                    (_ABOVE_ALLOWED, line.balance),
                )
                shares[line.index] = [
                    Adjustment(patient, reason, amount) for reason, amount in parts if amount
                ]
                paid[line.index] = line.plan_pays
            deductible_applied = accumulator.deductible_met - before[0]
            patient_applied = accumulator.out_of_pocket_met - before[1]
        prior_open = None
        if self._secondary():
            prior = self._prior_patient_share()
            paid, shares = self._as_secondary(paid_lines, paid, prior)
            prior_open = tuple(
                total(a.amount for a in prior.get(ln.index, [])) for ln in self.lines
            )
        lines = tuple(self._line(ln, by_line, allowed, paid, shares, balances) for ln in self.lines)
        return Adjudication(
            payment=self._payment(lines, whole),
            denials=tuple(denials),
            member=self.member,
            accumulator_key=key,
            deductible_applied=deductible_applied,
            patient_applied=patient_applied,
            draws=self.draws,
            prior_open=prior_open,
        )

    # -- secondary ---------------------------------------------------------------------------

    def _secondary(self) -> bool:
        return self.claim.subscriber.priority in (Priority.SECONDARY, Priority.TERTIARY) and bool(
            self.claim.other_payers
        )

    def _prior_patient_share(self) -> dict[int, list[Adjustment]]:
        """What the prior payer(s) left to the patient per line: 2430 PR adjustments where the
        claim has them, else the 2320 patient responsibility spread over the lines by charge."""
        patient = AdjustmentGroup.PATIENT_RESPONSIBILITY
        per_line: dict[int, list[Adjustment]] = {}
        if any(ln.source.adjudications for ln in self.lines):
            for ln in self.lines:
                latest = ln.source.adjudications[-1:] if ln.source.adjudications else ()
                per_line[ln.index] = [
                    a for adj in latest for a in adj.adjustments if a.group is patient
                ]
            return per_line
        other = self.claim.other_payers[-1]
        reasons = [a for a in other.adjustments if a.group is patient]
        amount = other.patient_responsibility or total(a.amount for a in reasons)
        reason = reasons[0].reason if reasons else _COINSURANCE
        spread = _spread(amount, [ln.charge for ln in self.lines])
        for ln, share in zip(self.lines, spread, strict=True):
            per_line[ln.index] = [Adjustment(patient, reason, share)] if share else []
        return per_line

    def _as_secondary(
        self,
        paid_lines: list[_Line],
        own_paid: dict[int, Money],
        prior: dict[int, list[Adjustment]],
    ) -> tuple[dict[int, Money], dict[int, list[Adjustment]]]:
        method = self.policy.secondary_method
        paid: dict[int, Money] = {}
        shares: dict[int, list[Adjustment]] = {}
        for ln in paid_lines:
            owed = prior.get(ln.index, [])
            left = total(a.amount for a in owed)
            pays = left
            if method is SecondaryMethod.NORMAL_BENEFIT:
                pays = min(left, own_paid.get(ln.index, Money.zero()))
            paid[ln.index] = pays
            # The patient keeps the prior payer's reasons for what this payer does not pay.
            remaining: list[Adjustment] = []
            cover = pays
            for item in owed:
                take = min(item.amount, cover)
                cover -= take
                if item.amount - take:
                    remaining.append(Adjustment(item.group, item.reason, item.amount - take))
            shares[ln.index] = remaining
        return paid, shares

    # -- output ------------------------------------------------------------------------------

    def _line(
        self,
        ln: _Line,
        denied: dict[int | None, Denial],
        allowed: dict[int, Money],
        paid: dict[int, Money],
        shares: dict[int, list[Adjustment]],
        balances: dict[int, Money],
    ) -> ServicePayment:
        control = ln.source.control_number
        base = ServicePayment(
            procedure=Procedure("HC", ln.code, ln.modifiers),
            charge=ln.charge,
            paid=Money.zero(),
            units=ln.units,
            dates=(QualifiedDate("472", ln.day),),  # DTM*472: the date of service
            # REF*6R: the line item control number of the 837, for the provider to match.
            references=(Reference("6R", control),) if control else (),
        )
        denial = denied.get(ln.index) or denied.get(None)
        if denial is not None or ln.index not in paid:
            code = denial.code if denial is not None else self.codes.non_covered
            return replace(
                base,
                adjustments=(_adjustment(code, ln.charge),) if ln.charge else (),
                remarks=(Remark("HE", code.rarc),) if code.rarc else (),
            )
        adjustments = list(shares.get(ln.index, []))
        if self._secondary():
            # What the prior payer paid or wrote off is not this payer's to pay (OA-23).
            prior = ln.charge - total(a.amount for a in adjustments) - paid[ln.index]
            if prior:
                adjustments.insert(
                    0, Adjustment(AdjustmentGroup.OTHER_ADJUSTMENT, _PRIOR_PAYER, prior)
                )
            return replace(base, paid=paid[ln.index], adjustments=tuple(adjustments))
        # Above the allowed amount: the provider's write-off, unless the patient owes it (PR-45).
        contractual = ln.charge - allowed[ln.index] - balances.get(ln.index, Money.zero())
        if contractual:
            adjustments.insert(0, _adjustment(self.codes.contractual, contractual))
        return replace(
            base,
            paid=paid[ln.index],
            adjustments=tuple(adjustments),
            amounts=(QualifiedAmount("B6", allowed[ln.index]),),  # AMT*B6: the allowed amount
        )

    def _payment(self, lines: tuple[ServicePayment, ...], whole: Denial | None) -> ClaimPayment:
        claim = self.claim
        patient_share = total(
            a.amount
            for line in lines
            for a in line.adjustments
            if a.group is AdjustmentGroup.PATIENT_RESPONSIBILITY
        )
        paid = total(line.paid for line in lines)
        priority = claim.subscriber.priority or Priority.PRIMARY
        status = _PROCESSED_AS[priority]
        if not paid and not patient_share:
            status = ClaimStatus.DENIED
        member_id = claim.subscriber.member_id
        dependent = claim.patient is not None
        patient = _name(patient_party(claim), "QC", "" if dependent else member_id)
        # NM1*QC the patient, then NM1*IL the insured when the patient is a dependent.
        names = (
            (patient, _name(claim.subscriber.subscriber, "IL", member_id))
            if dependent
            else (patient,)
        )
        return ClaimPayment(
            patient_control_number=claim.claim_id,
            status=status,
            charge=total(line.charge for line in lines),
            paid=paid,
            patient_responsibility=patient_share,
            filing_indicator=filing_indicator(claim),
            payer_claim_control_number="",
            names=names,
            facility_code=claim.facility_code if claim.facility_qualifier == "B" else "",
            frequency=claim.frequency_code,
            dates=(QualifiedDate("050", self.received),),  # DTM*050: received
            service_lines=lines,
        )


def _spread(amount: Money, weights: Sequence[Money]) -> list[Money]:
    """``amount`` in cents over ``weights`` in proportion, the remainder cents to the first."""
    whole = sum(w.cents for w in weights)
    if whole <= 0:
        return [amount] + [Money.zero()] * (len(weights) - 1)
    cents = [amount.cents * w.cents // whole for w in weights]
    cents[0] += amount.cents - sum(cents)
    return [Money.from_cents(c) for c in cents]


def adjudicate(
    claim: Claim837,
    world: PayerWorld,
    state: SimState,
    *,
    received: date,
    submission: int = 1,
    duplicate: bool = False,
) -> Adjudication:
    """Adjudicate one accepted claim; updates the member's accumulator in ``state``.

    ``submission`` counts how often this claim id reached this payer (it seeds the draws, so a
    claim sent again is judged afresh); ``duplicate`` says the payer already adjudicated the
    same service.
    """
    if not claim.lines:
        raise ValueError(f"claim {claim.claim_id}: an accepted claim has service lines")
    return _Adjudicator(claim, world, state, received, submission).adjudicate(duplicate)
