"""Plain JSON shapes of the desk's views, shared by the API and the page tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Types only: the terminal's ``queue list`` uses item_json and must not load the web desk.
if TYPE_CHECKING:
    from claimdesk.desk.desk import ClaimView, CoverageView, Dashboard, ItemView, PatientView
    from claimdesk.domain.recovery import Appeal, FollowUp, WriteOffRequest
    from claimdesk.domain.work import WorkItem
    from claimdesk.services.held_claims import FixResult
    from claimdesk.services.post_remittance import FileResult
    from claimdesk.services.users import Person
    from claimdesk.store.queries.search import ClaimHit, PatientHit


def item_json(item: WorkItem) -> dict[str, Any]:
    s = item.score
    return {
        "id": item.item_id,
        "kind": item.kind.value,
        "category": item.category,
        "tier": item.tier,
        "queue": item.queue,
        "status": item.status.value,
        "claim_id": item.claim_id,
        "patient_account": item.patient_account,
        "payer_id": item.payer_id,
        "amount_at_stake": str(item.amount_at_stake),
        "deadline": None if item.deadline is None else item.deadline.isoformat(),
        "deadline_kind": item.deadline_kind,
        "summary": item.summary,
        "assignee": item.assignee,
        "outcome": None if item.outcome is None else item.outcome.value,
        "score": {
            "value": str(s.value),
            "amount_at_stake": str(s.amount_at_stake),
            "recovery_rate": str(s.recovery_rate),
            "rate_source": s.rate_source,
            "expected_recovery": str(s.expected_recovery),
            "effort_minutes": s.effort_minutes,
            "urgency": str(s.urgency),
            "days_left": s.days_left,
            "explained": s.explain(),
        },
        "history": [
            {
                "at": e.at.isoformat(),
                "by": e.by,
                "action": e.action,
                "to_status": e.to_status.value,
                "detail": e.detail,
            }
            for e in item.history
        ],
    }


def coverage_json(c: CoverageView) -> dict[str, Any]:
    return {
        "coverage_id": c.coverage_id,
        "payer_id": c.payer_id,
        "plan_name": c.plan_name,
        "member_id": c.member_id,
        "priority": c.priority,
        "effective": c.effective,
        "termination": c.termination or None,
    }


def claim_json(view: ClaimView) -> dict[str, Any]:
    claim = view.claim
    encounter = claim.encounter
    return {
        "claim_id": claim.claim_id,
        "status": claim.status.value,
        "frequency": claim.frequency.value,
        "payer_id": claim.payer_id,
        "payer_name": view.payer_name,
        "payer_claim_number": claim.payer_claim_number,
        "patient_account": view.patient.account,
        "patient_name": f"{view.patient.last_name}, {view.patient.first_name}",
        "coverage": None if view.coverage is None else coverage_json(view.coverage),
        "date_of_service": encounter.date_of_service.isoformat(),
        "diagnoses": list(encounter.diagnoses),
        "lines": [
            {
                "line_number": line.line_number,
                "procedure_code": line.procedure_code,
                "modifiers": list(line.modifiers),
                "units": str(line.units),
                "charge": str(line.charge),
                "balance": str(view.line_balances.get(line.line_number, 0)),
            }
            for line in encounter.lines
        ],
        "total_charge": str(claim.total_charge),
        "history": [
            {
                "at": h.at.isoformat(),
                "by": h.by,
                "from_status": None if h.from_status is None else h.from_status.value,
                "to_status": h.to_status.value,
                "reason": h.reason,
            }
            for h in view.history
        ],
        "ledger": [
            {
                "entry_id": e.entry_id,
                "kind": e.kind,
                "effective": e.effective,
                "account": e.account,
                "line_number": e.line_number,
                "amount": str(e.amount),
                "memo": e.memo,
            }
            for e in view.ledger
        ],
        "balance": str(view.balance),
        "insurance_balance": str(view.insurance_balance),
        "patient_balance": str(view.patient_balance),
    }


def item_view_json(view: ItemView) -> dict[str, Any]:
    return {
        "item": item_json(view.item),
        "claim": None if view.claim is None else claim_json(view.claim),
        "may_act": view.may_act,
        "holds": view.holds,
        "actions": [a.value for a in view.actions],
    }


def claim_hit_json(hit: ClaimHit) -> dict[str, Any]:
    return {
        "claim_id": hit.claim_id,
        "patient_account": hit.patient_account,
        "payer_id": hit.payer_id,
        "payer_name": hit.payer_name,
        "status": hit.status,
        "date_of_service": hit.date_of_service.isoformat(),
    }


def patient_hit_json(hit: PatientHit) -> dict[str, Any]:
    return {
        "account": hit.account,
        "last_name": hit.last_name,
        "first_name": hit.first_name,
        "birth_date": hit.birth_date.isoformat(),
    }


def patient_json(view: PatientView) -> dict[str, Any]:
    p = view.patient
    return {
        "account": p.account,
        "last_name": p.last_name,
        "first_name": p.first_name,
        "birth_date": p.birth_date.isoformat(),
        "sex": p.sex.value,
        "coverages": [coverage_json(c) for c in view.coverages],
        "claims": [claim_hit_json(c) for c in view.claims],
        "balance": str(view.balance),
    }


def person_json(person: Person) -> dict[str, Any]:
    return person.as_dict()


def dashboard_json(view: Dashboard) -> dict[str, Any]:
    return {
        "summary": view.summary.as_dict(),
        "from": view.start.isoformat(),
        "to": view.end.isoformat(),
        "productivity": [
            {
                "day": row.day.isoformat(),
                "person": row.person,
                "queue": row.queue,
                "tier": row.tier,
                "closed": row.closed,
                "resolved": str(row.resolved),
                "average_age_days": str(row.average_age_days),
            }
            for row in view.productivity
        ],
    }


def fix_result_json(result: FixResult) -> dict[str, Any]:
    return {
        "claim_id": result.claim_id,
        "released": result.released,
        "findings": [f.as_json() for f in result.findings],
    }


def posting_json(result: FileResult) -> dict[str, Any]:
    """The posting summary of one uploaded 835 file."""
    return {
        "name": result.name,
        "sha256": result.sha256,
        "already_ingested": result.already_ingested,
        "ok": result.ok,
        "problems": list(result.problems),
        "remittances": [
            {
                "trace_number": r.trace_number,
                "outcome": r.outcome.value,
                "payment": str(r.payment),
                "claims_posted": r.claims_posted,
                "claims_held": r.claims_held,
                "reasons": list(r.reasons),
                "work_items": r.work_items,
                "work_items_closed": r.work_items_closed,
                "secondary_claims": r.secondary_claims,
            }
            for r in result.remittances
        ],
    }


def write_off_json(request: WriteOffRequest) -> dict[str, Any]:
    """A write-off request in the shape the decision page reads (the stored row's fields)."""
    return {
        "id": request.request_id,
        "claim_id": request.claim_id,
        "amount": request.amount.amount,
        "reason_code": request.reason_code,
        "note": request.note,
        "status": request.status,
        "requested_by": request.requested_by,
        "requested_at": request.requested_at,
        "decided_by": request.decided_by,
        "decided_at": request.decided_at,
        "entry_id": request.entry_id,
        "work_item_id": request.work_item_id,
    }


def appeal_json(appeal: Appeal) -> dict[str, Any]:
    """An appeal in the shape the item page reads (the stored row's fields)."""
    return {
        "id": appeal.appeal_id,
        "claim_id": appeal.claim_id,
        "level": appeal.level,
        "status": appeal.status,
        "denial_codes": appeal.denial_codes,
        "amount": appeal.amount.amount,
        "argument": appeal.argument,
        "deadline": appeal.deadline,
        "letter_path": appeal.letter_path,
        "created_at": appeal.created_at,
        "created_by": appeal.created_by,
        "submitted_on": appeal.submitted_on,
        "outcome": appeal.outcome,
        "decided_on": appeal.decided_on,
    }


def follow_up_json(follow_up: FollowUp) -> dict[str, Any]:
    """A payer follow-up in the shape the item page reads (the stored row's fields)."""
    return {
        "id": follow_up.follow_up_id,
        "claim_id": follow_up.claim_id,
        "at": follow_up.at,
        "by": follow_up.by,
        "channel": follow_up.channel,
        "reference": follow_up.reference,
        "notes": follow_up.notes,
        "next_follow_up": follow_up.next_follow_up,
    }
