"""The actions a person may take on an item; no appeal is offered without appeal rights."""

from __future__ import annotations

from claimdesk.domain.work import WorkAction, WorkKind

A = WorkAction
K = WorkKind

ACTIONS: dict[WorkKind, tuple[WorkAction, ...]] = {
    K.SCRUB_HOLD: (A.FIX_AND_RESUBMIT,),
    K.ELIGIBILITY_FAILURE: (A.VERIFY_ELIGIBILITY, A.CORRECT_REGISTRATION),
    K.CLEARINGHOUSE_REJECTION: (A.FIX_AND_RESUBMIT, A.CORRECT_REGISTRATION),
    K.PAYER_REJECTION: (A.FIX_AND_RESUBMIT, A.CORRECT_REGISTRATION, A.VERIFY_ELIGIBILITY),
    # Registration and eligibility denials go back to Tier 1, who correct and resubmit.
    K.DENIAL: (
        A.CORRECTED_CLAIM,
        A.APPEAL,
        A.CALL_PAYER,
        A.REQUEST_WRITE_OFF,
        A.CORRECT_REGISTRATION,
        A.VERIFY_ELIGIBILITY,
        A.FIX_AND_RESUBMIT,
    ),
    K.UNDERPAYMENT: (A.APPEAL, A.CALL_PAYER, A.REQUEST_WRITE_OFF),
    K.NO_RESPONSE: (A.CLAIM_STATUS_INQUIRY, A.CALL_PAYER, A.FIX_AND_RESUBMIT),
    K.UNMATCHED_PAYMENT: (A.MATCH_PAYMENT, A.CALL_PAYER),
    K.OUT_OF_BALANCE_REMITTANCE: (A.BALANCE_REMITTANCE, A.CALL_PAYER),
    K.WRITE_OFF_APPROVAL: (A.APPROVE_WRITE_OFF,),
    K.CREDIT_BALANCE: (A.REFUND,),
    K.PAYMENT_PLAN_MISSED: (A.CALL_PATIENT,),
    # Decided with ``patient decide-refund`` (or the API), then the item closes.
    K.REFUND_APPROVAL: (A.REFUND,),
    # Decided with ``collections decide`` by a manager other than the proposer.
    K.COLLECTIONS_APPROVAL: (A.APPROVE_WRITE_OFF,),
    # Ended with ``gfe resolve`` once the dispute is settled (a corrected bill or a write-off).
    K.GFE_DISPUTE: (A.REQUEST_WRITE_OFF, A.FIX_AND_RESUBMIT),
    # The record is corrected (in the EHR or here) and the message sent again.
    K.INTERFACE_ERROR: (A.CORRECT_REGISTRATION, A.FIX_AND_RESUBMIT),
}


def actions_for(kind: WorkKind, *, appeal_rights: bool) -> tuple[WorkAction, ...]:
    return tuple(a for a in ACTIONS[kind] if appeal_rights or a is not WorkAction.APPEAL)
