"""Plain JSON shapes: a work item (the API's and the terminal's), and the Tier 2 records the
pages read."""

from __future__ import annotations

from typing import Any

from claimdesk.domain.recovery import Appeal, FollowUp, WriteOffRequest
from claimdesk.domain.work import WorkItem


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
