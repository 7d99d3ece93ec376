"""The claim editor (issue 17): read a held or rejected claim as a form, and save an edit.

Saving is one transaction. The form is read first: any input error refuses the whole edit and
nothing is saved (``scrub.claim_edit``). Then the patient, the claim's coverage and its
encounter are written, a line whose charge changed is charged again (its live charge entry
reversed, the next revision posted: the ledger is append-only), and the claim is scrubbed with
what was saved. It moves to READY only when no finding blocks it; otherwise it stays held and
the findings say what is left, beside the fields they name. The hold's work items close once
it is released.

An encounter billed on another claim too (a secondary claim, a replacement) is not edited
here: what was sent on that claim would change under it. Its corrections go through a
corrected claim. The prior authorization number is the claim's own (each payer authorizes under
its own number), so it is edited on any held claim.

A corrected claim (frequency 7) opens here as a draft, and its billed fields are edited: it is
how the visit's billing is corrected (the 837 each claim was sent as stays in the archive, and
the audit keeps every old value). Saving it needs a change, or the reason none is needed (a
payer asking for the same claim as a replacement). Then the original's charges move to it as
it now bills, the original closes as replaced, and it is scrubbed like any claim.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.ledger import Entry
from claimdesk.scrub.claim_edit import (
    BILLED_NAMES,
    ClaimForm,
    EditedClaim,
    FieldChange,
    InputError,
    changes,
    form_of,
    parsed,
)
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.engine import Scrubber
from claimdesk.scrub.findings import Finding
from claimdesk.scrub.reference import ReferenceData
from claimdesk.services.acknowledgments import release_rejected
from claimdesk.services.charges import charge_entry, responsibility_of, reverse_charge
from claimdesk.services.practice import open_date, posting_date, practice_date
from claimdesk.services.scrub_store import store_contexts
from claimdesk.services.submit import HOLD_KEY
from claimdesk.services.tier2 import release_correction, replaced_claim
from claimdesk.services.work_queue import solve_problem
from claimdesk.store import rows
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
EDITABLE = (ClaimStatus.HELD, ClaimStatus.REJECTED)


class ClaimEditError(ValueError):
    """An edit the claim's state does not allow (the message says why)."""


class ClaimInputError(ValueError):
    """An edit with input errors: nothing of it was saved."""

    def __init__(self, claim_id: str, errors: Sequence[InputError]) -> None:
        self.claim_id = claim_id
        self.errors = tuple(errors)
        super().__init__(f"claim {claim_id}: " + "; ".join(str(e) for e in self.errors))


@dataclass(frozen=True, slots=True)
class ClaimEditView:
    """A claim in the editor: its form, what the scrub finds in it now, and whether it can be
    edited here (and if not, why)."""

    claim_id: str
    status: ClaimStatus
    patient_account: str
    form: ClaimForm
    findings: tuple[Finding, ...]
    has_coverage: bool
    refusal: str = ""
    corrects: str = ""  # a corrected claim's original, while the biller has not saved it


@dataclass(frozen=True, slots=True)
class EditOutcome:
    changes: tuple[FieldChange, ...]
    released: bool
    view: ClaimEditView  # the claim as saved, with the scrub's findings after the edit
    unchanged_because: str = ""  # a corrected claim sent unchanged: the biller's reason

    @property
    def claim_id(self) -> str:
        return self.view.claim_id

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.view.findings

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks_submission)

    def audit_detail(self) -> str:
        """What changed, old and new value (the audit row keeps them), and how it ended."""
        done = "released to the next batch" if self.released else "still held"
        changed = "; ".join(str(c) for c in self.changes) or "no field changed"
        if self.unchanged_because:
            changed += f" (sent unchanged: {self.unchanged_because})"
        return f"{changed}; {done}"


def _claim(uow: UnitOfWork, claim_id: str) -> Claim:
    claim = uow.claims.get(claim_id)
    if claim is None:
        raise ClaimEditError(f"claim {claim_id}: no such claim")
    return claim


def _current(uow: UnitOfWork, claim: Claim) -> EditedClaim:
    patient = uow.patients.get(claim.encounter.patient_account)
    if patient is None:
        raise ClaimEditError(f"claim {claim.claim_id}: its patient is not on file")
    coverage = uow.coverages.get(claim.coverage_id) if claim.coverage_id else None
    return EditedClaim(patient, coverage, claim.encounter, claim.authorization)


def _refusal(claim_id: str, status: ClaimStatus, correction: bool = False) -> str:
    """Why a claim in ``status`` cannot be edited here, or ""."""
    if status not in EDITABLE and not correction:
        return (
            f"claim {claim_id} is {status}: only held or rejected claims are edited; "
            "a claim the payer has is changed by a corrected (frequency 7) claim"
        )
    return ""


def _shared_with(uow: UnitOfWork, claim: Claim) -> list[str]:
    """The visit's other claims still billed as they were sent: not the one ``claim``
    replaced (closed when its correction was saved)."""
    replaced = replaced_claim(uow, claim)
    return sorted(
        c.claim_id
        for c in uow.claims.for_encounter(claim.encounter.encounter_id)
        if c.claim_id != claim.claim_id and (replaced is None or c.claim_id != replaced.claim_id)
    )


def _scrubbed(
    uow: UnitOfWork,
    claim: Claim,
    reference: ReferenceData,
    config: ScrubConfig,
    now: datetime,
    scrubber: Scrubber | None,
) -> tuple[Finding, ...]:
    context = store_contexts(uow, [claim], reference, config, today=practice_date(uow, now))[0]
    return tuple((scrubber or Scrubber.default()).scrub(context).findings)


def claim_form(uow_factory: UowFactory, claim_id: str) -> ClaimForm:
    """The claim as the editor's form, as it stands (no scrub)."""
    with uow_factory() as uow:
        current = _current(uow, _claim(uow, claim_id))
        return form_of(current)


def claim_editor(
    uow_factory: UowFactory,
    claim_id: str,
    *,
    reference: ReferenceData,
    config: ScrubConfig,
    now: datetime,
    scrubber: Scrubber | None = None,
) -> ClaimEditView:
    """The claim as a form, with what the scrub finds in it now."""
    with uow_factory() as uow:
        claim = _claim(uow, claim_id)
        current = _current(uow, claim)
        original = replaced_claim(uow, claim) if claim.awaits_correction else None
        return ClaimEditView(
            claim_id=claim_id,
            status=claim.status,
            patient_account=current.patient.account,
            form=form_of(current),
            findings=_scrubbed(uow, claim, reference, config, now, scrubber),
            has_coverage=current.coverage is not None,
            refusal=_refusal(claim_id, claim.status, claim.awaits_correction),
            corrects="" if original is None else original.claim_id,
        )


def edit_claim(
    uow_factory: UowFactory,
    claim_id: str,
    form: ClaimForm,
    *,
    reference: ReferenceData,
    config: ScrubConfig,
    now: datetime,
    by: str,
    scrubber: Scrubber | None = None,
    unchanged_because: str = "",
) -> EditOutcome:
    """Save ``form`` on the claim, scrub it again and release it when nothing blocks it.
    A corrected claim not yet saved needs a change or ``unchanged_because``.
    Raises :class:`ClaimInputError` (nothing saved) for input errors and
    :class:`ClaimEditError` for a claim that cannot be edited here."""
    with uow_factory() as uow:
        uow.work_items.begin_write()
        claim = _claim(uow, claim_id)
        correction = claim.awaits_correction
        refusal = _refusal(claim_id, claim.status, correction)
        if refusal:
            raise ClaimEditError(refusal)
        current = _current(uow, claim)
        edited = parsed(form, current, reference, practice_date(uow, now))
        if isinstance(edited, list):
            raise ClaimInputError(claim_id, edited)
        # Compared as saved (a phone typed with dashes is the same phone).
        changed = changes(
            form_of(current),
            form_of(edited),
        )
        why = " ".join(unchanged_because.split())
        others = _shared_with(uow, claim)
        if correction and not changed and not why:
            raise ClaimEditError(
                f"claim {claim_id}: a corrected claim is sent only with a correction; change "
                "what was wrong, or say why the payer needs it unchanged"
            )
        if not correction and others and any(c.field in BILLED_NAMES for c in changed):
            raise ClaimEditError(
                f"claim {claim_id}: its visit is billed on claim {', '.join(others)} too; "
                "change what was billed through a corrected claim"
            )
        _write(uow, claim, current, edited)
        if not correction:
            uow.ledger.append_many(_recharged(uow, claim, current, edited, now=now, by=by))
        claim = _claim(uow, claim_id)
        if correction:
            corrected = "; ".join(str(c) for c in changed) or f"unchanged: {why}"
            release_correction(uow, claim, why=corrected, by=by, now=now)
        findings = _scrubbed(uow, claim, reference, config, now, scrubber)
        released = not any(f.blocks_submission for f in findings)
        if correction:
            target = ClaimStatus.READY if released else ClaimStatus.HELD
            claim.move_to(target, by=by, at=now, reason=f"corrects: {corrected}")
            uow.claims.save(claim)
        elif released and claim.status is ClaimStatus.HELD:
            claim.move_to(ClaimStatus.READY, by=by, at=now, reason="scrub: clean after edit")
            uow.claims.save(claim)
        was_rejected = claim.status is ClaimStatus.REJECTED
        uow.commit()
    if released and was_rejected:
        release_rejected(uow_factory, claim_id, now=now, by=by)
    elif released and not correction:
        solve_problem(
            uow_factory,
            claim_id=claim_id,
            problem_key=HOLD_KEY,
            now=now,
            reason=f"edited by {by}; scrub clean",
            by=by,
        )
    # A released claim is ready for the next batch, a rejected one once release_rejected ran.
    status = ClaimStatus.READY if released else claim.status
    view = ClaimEditView(
        claim_id=claim_id,
        status=status,
        patient_account=edited.patient.account,
        form=form_of(edited),
        findings=findings,
        has_coverage=edited.coverage is not None,
        refusal=_refusal(claim_id, status),
    )
    return EditOutcome(tuple(changed), released, view, why if correction and not changed else "")


def _write(uow: UnitOfWork, claim: Claim, current: EditedClaim, edited: EditedClaim) -> None:
    imports = uow.imports
    if edited.patient != current.patient:
        imports.update(
            "patients", [(rows.patient_row(current.patient), rows.patient_row(edited.patient))]
        )
    was, now = current.coverage, edited.coverage
    if was is not None and now is not None and now != was:
        imports.update("coverages", [(rows.coverage_row(was), rows.coverage_row(now))])
    old, new = current.encounter, edited.encounter
    if rows.encounter_row(new) != rows.encounter_row(old):
        imports.update("encounters", [(rows.encounter_row(old), rows.encounter_row(new))])
    if new.diagnoses != old.diagnoses:
        imports.replace_diagnoses([new])
    if edited.authorization != current.authorization:
        # The claim's own number: its visit's, shared with any other claim of it, stays.
        claim.prior_authorization = edited.authorization
        uow.claims.save(claim)
    before = {line.line_number: line for line in old.lines}
    imports.update(
        "service_lines",
        [
            (
                rows.line_row(old.encounter_id, before[line.line_number]),
                rows.line_row(new.encounter_id, line),
            )
            for line in new.lines
            if line != before[line.line_number]
        ],
    )


def _recharged(
    uow: UnitOfWork,
    claim: Claim,
    current: EditedClaim,
    edited: EditedClaim,
    *,
    now: datetime,
    by: str,
) -> list[Entry]:
    """For each line whose charge changed: its live charge reversed, its new one posted."""
    before = {line.line_number: line for line in current.encounter.lines}
    moved = [
        line for line in edited.encounter.lines if line.charge != before[line.line_number].charge
    ]
    if not moved:
        return []
    history = uow.ledger.charge_entry_ids([claim.claim_id])
    undone = uow.ledger.reversed_ids([i for ids in history.values() for i in ids])
    live = {
        key: [i for i in ids if i not in undone][-1]
        for key, ids in history.items()
        if any(i not in undone for i in ids)
    }
    originals = uow.ledger.get_many(sorted(live.values()))
    payer = uow.payers.get(claim.payer_id)
    if payer is None:
        raise ClaimEditError(f"claim {claim.claim_id}: payer {claim.payer_id} is not on file")
    entries: list[Entry] = []
    for line in moved:
        key = (claim.claim_id, line.line_number)
        if key in live:
            entries.append(
                reverse_charge(
                    originals[live[key]],
                    effective=posting_date(uow, now),
                    recorded_at=now,
                    recorded_by=by,
                    why=f"claim editor: line {line.line_number} charge changed",
                )
            )
        if not line.charge:
            continue
        entries.append(
            charge_entry(
                claim_id=claim.claim_id,
                patient_account=claim.encounter.patient_account,
                payer_id=claim.payer_id,
                responsibility=responsibility_of(payer.kind),
                line=line,
                revision=len(history.get(key, [])) + 1,
                recorded_at=now,
                recorded_by=by,
                source=f"claim editor ({by})",
                effective=open_date(uow, line.date_of_service),
            )
        )
    return entries
