"""The desk's paper claim use case: a stored claim's CMS-1500, whole or data only.

A claim form names its patient, so whoever may read patients may print it, and every print is
audited with the patient's account, also when refused, not found or failed. The paper batches a
payer that takes paper only gets are printed by ``submit``, a batch job (whoever may run jobs).
"""

from __future__ import annotations

from claimdesk.audit.log import Outcome as AuditOutcome
from claimdesk.desk.desk import Desk
from claimdesk.desk.guard import Actor, Capability, NotFoundError
from claimdesk.services.paper_claims import Cms1500Pdf, PaperClaimError, claim_form


class PaperDesk(Desk):
    input_errors = (PaperClaimError,)

    def cms1500(self, actor: Actor, claim_id: str, *, data_only: bool = False) -> Cms1500Pdf:
        """The claim's CMS-1500 (02/12) as PDF: the whole form drawn by claimdesk, or only
        its data, placed for the red pre-printed form."""
        action, target = "view_claim_form", f"claim {claim_id}"
        self._checked(actor, Capability.READ_PATIENTS, action, target)
        try:
            form = claim_form(self.uow_factory, claim_id, data_only=data_only, now=self.clock())
        except PaperClaimError as exc:
            self._audit(actor, action, target, AuditOutcome.FAILED, detail=str(exc)[:500])
            raise
        if form is None:
            self._audit(actor, action, target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"claim {claim_id}: no such claim")
        kind = "data only" if data_only else "whole form"
        self._audit(
            actor,
            action,
            target,
            AuditOutcome.OK,
            form.patient_account,
            f"{form.pages} page(s), {kind}",
        )
        return form
