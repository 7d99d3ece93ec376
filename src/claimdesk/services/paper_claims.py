"""Paper claims: a stored claim's CMS-1500, and the paper batches ``submit`` prints.

Both are built from the claim's 837P input (:func:`claimdesk.services.claim_inputs`) and only
once the 837 writer accepts that input, so a claim printed on paper is the claim an 837 would
carry. A payer the practice profile marks ``paper.PAYERID.only`` gets its clean claims printed by
``submit`` instead of an 837: one PDF of red-form data (:func:`print_paper_batch`) per payer and
run in ``outbox/paper/``, staged and published after the run commits as 837s are, each claim
moved to SUBMITTED with the file's name in its history, so no claim is printed twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from claimdesk.domain.claims import Claim, ClaimStatus
from claimdesk.domain.money import Money, total
from claimdesk.domain.payers import PayerKind
from claimdesk.domain.practice import PracticeProfile
from claimdesk.edi.x12.writer import Envelope, X12WriteError
from claimdesk.edi.x837.claim_input import ClaimInput
from claimdesk.edi.x837.write import write_837p
from claimdesk.forms.cms1500 import FormError, FormPage, cms1500
from claimdesk.forms.pdf import cms1500_pdf
from claimdesk.services.claim_inputs import stored_claim_inputs
from claimdesk.services.practice import practice_date
from claimdesk.services.trading_partners import partners_of
from claimdesk.services.x12_envelopes import stage_outbox_file
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
PAPER_FOLDER = "paper"  # under the outbox: what a person prints, never what a transport sends
FORM = "1500"  # how the outbox's record names a CMS-1500 file (an 837's says 837)
COUNTER = "cms1500"  # the store's counter that numbers the paper batches


class PaperClaimError(ValueError):
    """A claim that cannot be put on paper; the message names the claim, box or field, and
    why."""


@dataclass(frozen=True, slots=True)
class Cms1500Pdf:
    """One claim's CMS-1500 as PDF."""

    claim_id: str
    patient_account: str
    pages: int
    pdf: bytes


@dataclass(frozen=True, slots=True)
class PaperBatch:
    """The CMS-1500s of one payer printed by one ``submit`` run: one PDF in the paper outbox."""

    payer_id: str
    file_name: str
    claim_ids: tuple[str, ...]
    pages: int
    total_charge: Money

    @property
    def outbox_name(self) -> str:
        """Where the PDF is, from the outbox."""
        return f"{PAPER_FOLDER}/{self.file_name}"

    def as_json(self) -> dict[str, object]:
        return {
            "payer_id": self.payer_id,
            "file_name": self.outbox_name,
            "claims": list(self.claim_ids),
            "pages": self.pages,
            "total_charge": str(self.total_charge),
        }


def paper_outbox(outbox: Path) -> Path:
    return outbox / PAPER_FOLDER


def form_pages(
    claim_input: ClaimInput, profile: PracticeProfile, *, today: date, now: datetime
) -> tuple[FormPage, ...]:
    """The claim's CMS-1500 pages, signed ``today``; :class:`PaperClaimError` when the 837
    writer refuses the claim's input (so the paper would say what no 837 could) or the form
    cannot hold it."""
    try:
        write_837p([claim_input], Envelope("PROBE", "PROBE", 1, 1, now))
        return cms1500(
            claim_input,
            signed_on=today,
            carrier_address=profile.paper_address(claim_input.payer.payer_id),
        )
    except (X12WriteError, FormError) as exc:
        # An error of the file's header (the submitter) does not name the claim: say which.
        said = str(exc)
        named = said if said.startswith(claim_input.record) else f"{claim_input.record}: {said}"
        raise PaperClaimError(named) from exc


def claim_form(
    uow_factory: UowFactory, claim_id: str, *, data_only: bool, now: datetime
) -> Cms1500Pdf | None:
    """The stored claim's CMS-1500: the whole form, or only its data for the red form; None
    when there is no such claim."""
    with uow_factory() as uow:
        claim = uow.claims.get(claim_id)
        if claim is None:
            return None
        payer = uow.payers.get(claim.payer_id)
        if payer is not None and payer.kind is PayerKind.SELF_PAY:
            raise PaperClaimError(
                f"claim {claim_id}: box 1: a self-pay claim is billed to the patient, "
                "not to a payer"
            )
        profile = uow.practice.profile()
        inputs, refused = stored_claim_inputs(uow, [claim], partners_of(profile))
        today = practice_date(uow, now)
    if claim_id in refused:
        raise PaperClaimError(refused[claim_id])
    pages = form_pages(inputs[claim_id], profile, today=today, now=now)
    kind = "data" if data_only else "form"
    return Cms1500Pdf(
        claim_id,
        claim.encounter.patient_account,
        len(pages),
        cms1500_pdf(pages, data_only=data_only, title=f"CMS-1500 {kind}, claim {claim_id}"),
    )


def print_paper_batch(
    uow: UnitOfWork,
    outbox: Path,
    payer_id: str,
    claims: Sequence[tuple[Claim, tuple[FormPage, ...]]],
    *,
    now: datetime,
    by: str,
) -> PaperBatch:
    """In ``submit``'s transaction: number the batch, move each claim READY -> SUBMITTED with the
    file's name, record the file and stage it in the paper outbox; the caller publishes it
    (:func:`claimdesk.services.x12_envelopes.publish_staged`) once the transaction commits."""
    number = uow.batches.next_number(COUNTER)
    name = f"CMS1500-{payer_id}-{number:06d}.pdf"
    pages = [page for _claim, claim_pages in claims for page in claim_pages]
    # Data only: a payer that takes paper scans its red form, so the data is printed onto it.
    data = cms1500_pdf(pages, data_only=True, title=f"CMS-1500 batch {number}, payer {payer_id}")
    for claim, _pages in claims:
        claim.move_to(
            ClaimStatus.SUBMITTED, by=by, at=now, reason=f"paper: CMS-1500 {PAPER_FOLDER}/{name}"
        )
        uow.claims.save(claim)
    uow.batches.record_outbox_file(
        name, transaction=FORM, sha256=hashlib.sha256(data).hexdigest(), at=now, by=by
    )
    stage_outbox_file(paper_outbox(outbox), name, data)
    return PaperBatch(
        payer_id,
        name,
        tuple(c.claim_id for c, _pages in claims),
        len(pages),
        total(c.total_charge for c, _pages in claims),
    )
