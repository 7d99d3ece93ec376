"""The clearinghouse's front-end edits: what a 277CA rejects before a payer ever sees the claim.

A clearinghouse rejects a claim it cannot route or that a payer would bounce: an unknown payer
id, a member id that does not have the payer's format (or none at all), an NPI whose check digit
is wrong, a birth date the guide requires and the claim lacks. Each problem is one STC status
composite (category, status code, entity); a 277CA carries at most three per claim.
"""

from __future__ import annotations

from datetime import date

from claimdesk.domain.patterns import full_match
from claimdesk.domain.providers import npi_is_valid
from claimdesk.edi.x12.composites import EntityName
from claimdesk.edi.x277.read import StatusCode
from claimdesk.edi.x277.write import AcknowledgmentBatch, ClaimDecision
from claimdesk.edi.x837.model import Claim837, Header837, NamedParty
from claimdesk.payer_sim.adjudicate import patient_party, payer_id_of, service_day
from claimdesk.payer_sim.world import PayerWorld

MAX_STATUSES = 3  # STC01, STC10, STC11


def _with_entity(code: StatusCode, entity: str) -> StatusCode:
    return StatusCode(code.category, code.status, entity)


def rejections(claim: Claim837, world: PayerWorld) -> tuple[StatusCode, ...]:
    """Every front-end problem of ``claim`` (empty when the claim goes on to the payer)."""
    rules = world.policy.rejections
    found: list[StatusCode] = []
    payer = world.payers.get(payer_id_of(claim))
    if payer is None:
        found.append(_with_entity(rules.unknown_payer, "PR"))
    providers: tuple[tuple[str, NamedParty | None], ...] = (
        ("85", claim.billing.provider),
        ("82", claim.rendering),
        ("DN", claim.referring),
        ("77", claim.service_facility),
    )
    for entity, party in providers:
        if party is None or (entity == "77" and not party.npi):
            continue
        if not npi_is_valid(party.npi):
            found.append(_with_entity(rules.invalid_npi, entity))
    member_id = claim.subscriber.member_id
    if not member_id:
        found.append(_with_entity(rules.missing_member_id, "IL"))
    elif (
        payer is not None
        and payer.member_id_pattern
        and not full_match(payer.member_id_pattern, member_id)
    ):
        found.append(_with_entity(rules.invalid_member_id, "IL"))
    subscriber = claim.subscriber.subscriber
    if claim.patient is None:
        if subscriber is not None and subscriber.birth_date is None:
            found.append(_with_entity(rules.missing_birth_date, "IL"))
    elif claim.patient.patient is not None and claim.patient.patient.birth_date is None:
        found.append(_with_entity(rules.missing_birth_date, "QC"))
    return tuple(found[:MAX_STATUSES])


def _entity(party: NamedParty | None, entity: str, qualifier: str, fallback: str) -> EntityName:
    name = party.name if party is not None else None
    person = name is not None and name.entity_type == "1"
    return EntityName(
        entity=entity,
        entity_type="1" if person else "2",
        last_or_organization=(name.last_or_organization if name else "") or fallback,
        first=name.first if name and person else "",
        middle=name.middle if name and person else "",
        id_qualifier=qualifier,
        id=(name.id if name else "") or fallback,
    )


def decision(
    claim: Claim837, statuses: tuple[StatusCode, ...], payer_claim_number: str
) -> ClaimDecision:
    """The 277CA claim level: accepted with the payer's claim number, or rejected."""
    days = [d for d in (service_day(claim, line) for line in claim.lines) if d is not None]
    patient = patient_party(claim)
    name = patient.name if patient is not None else None
    charge = claim.total_charge if claim.total_charge is not None else claim.line_charge_total
    first = min(days) if days else (claim.header.created or date.min)
    last = max(days) if days else None
    return ClaimDecision(
        patient_control_number=claim.claim_id,
        patient=EntityName(
            entity="QC",
            entity_type="1",
            last_or_organization=(name.last_or_organization if name else "") or "UNKNOWN",
            first=name.first if name else "",
            middle=name.middle if name else "",
            id_qualifier="MI",
            id=claim.subscriber.member_id or "UNKNOWN",
        ),
        billing_provider=_entity(claim.billing.provider, "85", "XX", "UNKNOWN"),
        charge=charge,
        service_from=first,
        service_to=last if last != first else None,
        statuses=statuses,
        payer_claim_number="" if any(s.rejected for s in statuses) else payer_claim_number,
    )


def batch(
    header: Header837,
    decisions: list[ClaimDecision],
    world: PayerWorld,
    received: date,
) -> AcknowledgmentBatch:
    """One 277CA transaction set answering one 837 transaction set."""
    policy = world.policy
    submitter = header.submitter
    return AcknowledgmentBatch(
        source=EntityName(
            entity="AY",
            entity_type="2",
            last_or_organization=policy.clearinghouse_name,
            id_qualifier="46",
            id=policy.clearinghouse_id,
        ),
        receiver=_entity(submitter, "41", "46", "UNKNOWN"),
        batch_reference=header.reference or header.control_number,
        received=received,
        processed=received,
        claims=tuple(decisions),
    )
