"""The desk's billing use cases: fixing held claims, Tier 2 actions, ERA upload, figures.

Actions on a claim go through the work item that brought it to the person: the item must be in
a queue they work, held by them, and of a kind that offers the action. Every view of patient
data and every change is audited, refusals and failures included.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from claimdesk.analytics.position import ArFilter, ArPage, ArPosition
from claimdesk.analytics.report import UnknownKpiError
from claimdesk.analytics.results import KpiExplanation, KpiReport
from claimdesk.audit.log import Outcome as AuditOutcome
from claimdesk.codes.reference import load_config, load_reference, shipped_reference
from claimdesk.config import Settings
from claimdesk.denials.explanations import explain_carc, explain_rarc
from claimdesk.desk.deposits import DepositDesk
from claimdesk.desk.desk import Dashboard, DeskSetupError, UowFactory
from claimdesk.desk.guard import Actor, Capability, ForbiddenError, NotFoundError
from claimdesk.desk.patients import PatientDesk
from claimdesk.desk.serialize import appeal_json, follow_up_json, write_off_json
from claimdesk.domain.clock import checked_day, practice_today
from claimdesk.domain.eligibility import BenefitFigures
from claimdesk.domain.eras import EraDetail, EraFilter, EraRow
from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, WorkAction, WorkError, WorkItem, WorkStatus
from claimdesk.domain.worklist import ClaimFilter, WorklistRow
from claimdesk.posting.remit_view import payment_view
from claimdesk.routing.actions import actions_for
from claimdesk.scrub.claim_edit import ClaimForm
from claimdesk.scrub.config import ScrubConfig
from claimdesk.scrub.reference import ReferenceData
from claimdesk.security.secret_box import SecretBox
from claimdesk.services import dashboard, receivables, tier2, work_queue
from claimdesk.services.claim_editor import ClaimEditView, EditOutcome, claim_editor, edit_claim
from claimdesk.services.estimates import EstimateOutcome, estimate_encounter
from claimdesk.services.held_claims import ClaimFix, FixResult, fix_claim
from claimdesk.services.ingest import archive_name
from claimdesk.services.kpis import explain, kpi_report
from claimdesk.services.post_remittance import FileResult, post_bytes
from claimdesk.services.receivables import csv_line
from claimdesk.services.rules import Rules
from claimdesk.services.x12_envelopes import write_outbox_file
from claimdesk.store.queries import eras, worklist
from claimdesk.store.queries.search import ClaimHit, claim_hits, patient_of_claim
from claimdesk.store.repositories.batches import BatchClaim, BatchRecord
from claimdesk.store.repositories.eligibility import EligibilityCheck
from claimdesk.store.repositories.estimates import StoredEstimate
from claimdesk.store.repositories.files_read import FileRead

T = TypeVar("T")
Row = TypeVar("Row")
Where = TypeVar("Where")
SEGMENT = re.compile(r"~\s*")


@dataclass(frozen=True, slots=True)
class EligibilityView:
    claim_id: str
    encounter_id: str
    checks: tuple[tuple[EligibilityCheck, tuple[BenefitFigures, ...]], ...]
    estimates: tuple[StoredEstimate, ...]


@dataclass(frozen=True, slots=True)
class Segments:
    claim_id: str
    sent: tuple[tuple[str, tuple[str, ...]], ...]  # (837 file, the claim's segments)
    answered: tuple[tuple[str, tuple[str, ...]], ...]  # (835 file, the claim's segments)


WORKLIST_PAGE = 100
ERA_COLUMNS = (
    "remittance_id",
    "payer",
    "payer_name",
    "trace_number",
    "paid_on",
    "amount",
    "claims",
    "status",
    "file",
)
WORKLIST_COLUMNS = (
    "claim_id",
    "status",
    "payer_id",
    "patient_account",
    "patient_name",
    "rendering_npi",
    "date_of_service",
    "charge",
    "balance",
)


@dataclass(frozen=True, slots=True)
class ListPage(Generic[Row, Where]):
    """One page of a worklist: its rows, how many matched in all, the filter and the order."""

    rows: tuple[Row, ...]
    matched: int
    page: int
    page_size: int
    where: Where
    sort: str
    descending: bool

    @property
    def last_page(self) -> int:
        return max(1, -(-self.matched // self.page_size))


ClaimsPage = ListPage[WorklistRow, ClaimFilter]
EraPage = ListPage[EraRow, EraFilter]
BatchPage = ListPage[BatchRecord, str]  # filtered by payer id
AckPage = ListPage[FileRead, str]
ACK_KINDS = ("999", "277CA")  # acknowledgments (a 997 is kept as a 999), not 271s


@dataclass(frozen=True, slots=True)
class DashboardPage:
    view: Dashboard
    figures: dashboard.DashboardFigures


@dataclass(frozen=True, slots=True)
class FigureClaims:
    """One page of the claims behind a figure; ``count`` and ``amount`` are of all of them."""

    chart: str
    label: str
    amount: Money
    claims: tuple[ClaimHit, ...]
    count: int = 0
    page: int = 1
    pages: int = 1


def _first_file(name: str, folders: tuple[Path, ...]) -> Path | None:
    """``name`` in the first of ``folders`` that has it."""
    return next((f / name for f in folders if (f / name).is_file()), None)


def claim_segments(text: str, start: str, claim_id: str) -> tuple[str, ...]:
    """The segments of one claim: from its ``start`` segment (``CLM``/``CLP``) with the claim id
    in element 1 up to the next claim, hierarchical level or transaction trailer."""
    stops = {"HL", "SE"} if start == "CLM" else {"SE", "PLB", "LX"}
    found: list[str] = []
    inside = False
    for segment in (s.strip() for s in SEGMENT.split(text)):
        tag, _, rest = segment.partition("*")
        if tag == start:
            inside = rest.split("*", 1)[0] == claim_id
        elif tag in stops:
            inside = False
        if inside:
            found.append(segment)
    return tuple(found)


class BillingDesk(DepositDesk, PatientDesk):
    def __init__(
        self,
        uow_factory: UowFactory,
        rules: Rules,
        clock: Callable[[], datetime],
        settings: Settings | None = None,
        letters: Path | None = None,
        *,
        box: SecretBox | None = None,
        anchor: Path | None = None,
    ) -> None:
        super().__init__(uow_factory, rules.routing, clock, box=box, anchor=anchor)
        self.rules = rules
        self.settings = settings
        # Appeal letters go to the outbox's appeals folder unless the caller keeps them apart
        # (the simulated cycle, whose outbox is what it sends to the payers).
        self.letters = letters

    def _home(self) -> Settings:
        if self.settings is None:
            raise DeskSetupError("this desk runs without a data home (claimdesk serve sets one)")
        return self.settings

    # The checks every action on an item makes.

    def _action_on(self, actor: Actor, item_id: int, action: str, allowed: WorkAction) -> WorkItem:
        item = self._acting_on(actor, item_id, action)
        if allowed not in actions_for(item.kind, appeal_rights=item.appeal_rights):
            self._audit(
                actor, action, f"work item {item_id}", AuditOutcome.DENIED, item.patient_account
            )
            raise ForbiddenError(f"work item {item_id}: a {item.kind} item offers no {action}")
        if item.assignee != actor.user.user_id or item.status is not WorkStatus.IN_PROGRESS:
            raise WorkError(f"work item {item_id}: take the item before you {action}")
        if item.claim_id is None:
            raise WorkError(f"work item {item_id}: has no claim")
        return item

    def _run(
        self,
        actor: Actor,
        claim_id: str,
        account: str | None,
        action: str,
        change: Callable[[], T],
        done: str,
        item: WorkItem | None = None,
    ) -> T:
        """Run the change, audit it, and note on the item (if one brought the claim) what was
        done."""
        result = self._audited(
            actor, action, f"claim {claim_id}", account, change, lambda _result: done
        )
        if item is not None and item.status is WorkStatus.IN_PROGRESS:
            assert item.item_id is not None
            work_queue.add_note(
                self.uow_factory, item.item_id, actor.user.user_id, done, now=self.clock()
            )
        return result

    # Tier 1: fix a held or rejected claim, eligibility and estimate.

    def fix(self, actor: Actor, item_id: int, fix: ClaimFix) -> FixResult:
        item = self._action_on(actor, item_id, "fix_claim", WorkAction.FIX_AND_RESUBMIT)
        home = self._home()
        claim_id = str(item.claim_id)

        def change() -> FixResult:
            return fix_claim(
                self.uow_factory,
                claim_id,
                fix,
                reference=load_reference(home.home / "codes"),
                config=load_config(home.practice_home),
                now=self.clock(),
                by=actor.user.user_id,
            )

        return self._run(
            actor,
            claim_id,
            item.patient_account,
            "fix_claim",
            change,
            "claim fixed and scrubbed",
            item,
        )

    # The claim editor (Tier 1 and Tier 2): every field a scrub rule names.

    def claim_editor(self, actor: Actor, claim_id: str) -> ClaimEditView:
        """The claim as the editor's form, with what the scrub finds in it now."""
        account = self._readable_claim(actor, claim_id, "view_claim_editor")
        reference, config = self._scrub_setup()
        view = claim_editor(
            self.uow_factory, claim_id, reference=reference, config=config, now=self.clock()
        )
        self._audit(actor, "view_claim_editor", f"claim {claim_id}", AuditOutcome.OK, account)
        return view

    def edit_claim(
        self, actor: Actor, claim_id: str, form: ClaimForm, unchanged_because: str = ""
    ) -> EditOutcome:
        """Save the form on the claim and scrub it again (``services.claim_editor``); the audit
        row keeps each field's old and new value, or why the edit was refused. A corrected claim
        is sent unchanged only with ``unchanged_because``."""
        account = self._readable_claim(actor, claim_id, "edit_claim")
        target = f"claim {claim_id}"
        if not actor.can(Capability.EDIT_CLAIMS):
            self._audit(actor, "edit_claim", target, AuditOutcome.DENIED, account)
            raise ForbiddenError(f"{actor.called} may not edit claims")
        reference, config = self._scrub_setup()

        def change() -> EditOutcome:
            return edit_claim(
                self.uow_factory,
                claim_id,
                form,
                reference=reference,
                config=config,
                now=self.clock(),
                by=actor.user.user_id,
                unchanged_because=unchanged_because,
            )

        return self._audited(
            actor, "edit_claim", target, account, change, lambda done: done.audit_detail()
        )

    def _scrub_setup(self) -> tuple[ReferenceData, ScrubConfig]:
        """The practice's code sets and scrub settings; claimdesk's own code sets and default
        settings for a desk that runs without a data home."""
        if self.settings is None:
            return shipped_reference(), load_config(None)
        return load_reference(self.settings.home / "codes"), load_config(
            self.settings.practice_home
        )

    def _readable_claim(self, actor: Actor, claim_id: str, action: str) -> str:
        """The claim's patient account, once the actor may read it (else 403/404, audited)."""
        target = f"claim {claim_id}"
        if not actor.can(Capability.READ_PATIENTS):
            self._audit(actor, action, target, AuditOutcome.DENIED)
            raise ForbiddenError(f"{actor.called} may not read claims")
        with self.uow_factory() as uow:
            account = patient_of_claim(uow.read, claim_id)
        if account is None:
            self._audit(actor, action, target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"claim {claim_id}: no such claim")
        return account

    def eligibility(self, actor: Actor, claim_id: str) -> EligibilityView:
        account = self._readable_claim(actor, claim_id, "view_eligibility")
        with self.uow_factory() as uow:
            claim = uow.claims.get(claim_id)
            assert claim is not None
            checks = uow.eligibility.checks_of([claim.coverage_id] if claim.coverage_id else [])
            view = EligibilityView(
                claim_id,
                claim.encounter.encounter_id,
                tuple((c, tuple(uow.eligibility.benefits(c.check_id))) for c in checks),
                tuple(uow.estimates.for_encounter(claim.encounter.encounter_id)),
            )
        self._audit(actor, "view_eligibility", f"claim {claim_id}", AuditOutcome.OK, account)
        return view

    def estimate(self, actor: Actor, claim_id: str) -> EstimateOutcome:
        account = self._readable_claim(actor, claim_id, "estimate")
        if not actor.can(Capability.WORK):
            self._audit(actor, "estimate", f"claim {claim_id}", AuditOutcome.DENIED, account)
            raise ForbiddenError(f"{actor.called} makes no estimates")
        with self.uow_factory() as uow:
            claim = uow.claims.get(claim_id)
            assert claim is not None
            encounter_id = claim.encounter.encounter_id
        try:
            outcome = estimate_encounter(
                self.uow_factory,
                encounter_id,
                catalog=self.rules.services,
                now=self.clock(),
                by=actor.user.user_id,
            )
        except LookupError as exc:
            self._audit(actor, "estimate", f"claim {claim_id}", AuditOutcome.FAILED, account)
            raise WorkError(str(exc)) from exc
        self._audit(actor, "estimate", f"claim {claim_id}", AuditOutcome.OK, account)
        return outcome

    # Tier 2: corrected claim, void, appeal, follow-up, write-off. Each use case is reached
    # through the work item that brought the claim (the pages, the API) or by the claim's id
    # (the terminal); both check the same capability and write the same audit record.

    def _recovering(self, actor: Actor, claim_id: str, action: str) -> str:
        """The claim's patient account, once the actor may change claims in Tier 2."""
        account = self._readable_claim(actor, claim_id, action)
        self._checked(actor, Capability.RECOVER_CLAIMS, action, f"claim {claim_id}", account)
        return account

    def _claim_action(
        self,
        actor: Actor,
        target: int | str,
        action: str,
        allowed: WorkAction,
        change: Callable[[str], T],
        done: Callable[[str], str],
    ) -> T:
        """``target`` is a work item id (an int) or a claim id (a str)."""
        item: WorkItem | None = None
        if isinstance(target, int):
            item = self._action_on(actor, target, action, allowed)
            claim_id, account = str(item.claim_id), item.patient_account
            self._checked(actor, Capability.RECOVER_CLAIMS, action, f"claim {claim_id}", account)
        else:
            claim_id, account = target, self._recovering(actor, target, action)
        return self._run(
            actor, claim_id, account, action, lambda: change(claim_id), done(claim_id), item
        )

    def corrected_claim(self, actor: Actor, target: int | str) -> str:
        return self._claim_action(
            actor,
            target,
            "corrected_claim",
            WorkAction.CORRECTED_CLAIM,
            lambda claim_id: tier2.corrected_claim(
                self.uow_factory, claim_id, by=actor.user.user_id, now=self.clock()
            ),
            lambda claim_id: f"corrected claim of {claim_id} made",
        )

    def void(self, actor: Actor, target: int | str, reason: str) -> str:
        # A void is the other correction of an adjudicated claim (CLM05-3 = 8).
        return self._claim_action(
            actor,
            target,
            "void_claim",
            WorkAction.CORRECTED_CLAIM,
            lambda claim_id: tier2.void_claim(
                self.uow_factory, claim_id, reason=reason, by=actor.user.user_id, now=self.clock()
            ),
            lambda claim_id: f"void of {claim_id} made: {' '.join(reason.split())}",
        )

    def appeal(self, actor: Actor, target: int | str, argument: str) -> int:
        return self._claim_action(
            actor,
            target,
            "appeal",
            WorkAction.APPEAL,
            lambda claim_id: tier2.start_appeal(
                self.uow_factory,
                claim_id,
                argument=argument,
                letters=self.letters or self._home().outbox / "appeals",
                by=actor.user.user_id,
                now=self.clock(),
            ),
            lambda claim_id: f"appeal of {claim_id} drafted",
        )

    def appeals(self, claim_id: str) -> list[dict[str, Any]]:
        with self.uow_factory() as uow:
            return [appeal_json(a) for a in uow.appeals.of_claim(claim_id)]

    def appeal_letter(self, actor: Actor, item_id: int, appeal_id: int) -> tuple[str, bytes]:
        """The letter's file name and PDF, for a person who sees the item of its claim."""
        item = self._visible_item(actor, item_id, "export_appeal_letter")
        with self.uow_factory() as uow:
            appeal = uow.appeals.get(appeal_id)
        if appeal is None or appeal.claim_id != item.claim_id or not appeal.letter_path:
            self._audit(
                actor,
                "export_appeal_letter",
                f"appeal {appeal_id}",
                AuditOutcome.NOT_FOUND,
                item.patient_account,
            )
            raise NotFoundError(f"appeal {appeal_id}: no letter for the claim of item {item_id}")
        path = Path(appeal.letter_path)
        data = path.read_bytes()
        self._audit(
            actor,
            "export_appeal_letter",
            f"appeal {appeal_id}",
            AuditOutcome.OK,
            item.patient_account,
        )
        return path.name, data

    def follow_up(
        self,
        actor: Actor,
        target: int | str,
        *,
        channel: str,
        reference: str,
        notes: str,
        next_follow_up: date | None,
    ) -> int:
        return self._claim_action(
            actor,
            target,
            "follow_up",
            WorkAction.CALL_PAYER,
            lambda claim_id: tier2.log_follow_up(
                self.uow_factory,
                claim_id,
                channel=channel,
                reference=reference,
                notes=notes,
                next_follow_up=next_follow_up,
                by=actor.user.user_id,
                now=self.clock(),
            ),
            lambda _claim_id: f"payer follow-up by {channel} logged: {notes[:200]}",
        )

    def follow_ups(self, claim_id: str) -> list[dict[str, Any]]:
        with self.uow_factory() as uow:
            return [follow_up_json(f) for f in uow.follow_ups.of_claim(claim_id)]

    def request_write_off(
        self, actor: Actor, target: int | str, amount: Money, reason_code: str, note: str
    ) -> int:
        return self._claim_action(
            actor,
            target,
            "request_write_off",
            WorkAction.REQUEST_WRITE_OFF,
            lambda claim_id: tier2.request_write_off(
                self.uow_factory,
                claim_id,
                amount=amount,
                reason_code=reason_code,
                note=note,
                by=actor.user.user_id,
                now=self.clock(),
                policy=self.policy,
            ),
            lambda _claim_id: f"write-off of {amount} ({reason_code}) requested",
        )

    # Tier 3: deciding a write-off.

    def write_off_request(self, item: WorkItem) -> dict[str, Any] | None:
        if not item.problem_key.startswith("write_off:"):
            return None
        with self.uow_factory() as uow:
            request = uow.write_offs.get(int(item.problem_key.split(":", 1)[1]))
        return None if request is None else write_off_json(request)

    def decide_write_off(self, actor: Actor, item_id: int, approve: bool) -> str:
        """Decide the request a Tier 3 approval item names, and close the item."""
        self._checked(
            actor, Capability.APPROVE_WRITE_OFFS, "decide_write_off", f"work item {item_id}"
        )
        item = self._action_on(actor, item_id, "decide_write_off", WorkAction.APPROVE_WRITE_OFF)
        claim_id = str(item.claim_id)
        request = self.write_off_request(item)
        if request is None:
            raise WorkError(f"work item {item_id}: names no write-off request")
        by = actor.user.user_id

        def change() -> str:
            decided = tier2.decide_write_off(
                self.uow_factory, request["id"], approve=approve, by=by, now=self.clock()
            )
            work_queue.close(
                self.uow_factory,
                item_id,
                by,
                outcome=Outcome.WRITTEN_OFF if approve else Outcome.NO_ACTION_NEEDED,
                now=self.clock(),
                action=WorkAction.APPROVE_WRITE_OFF if approve else None,
            )
            return decided

        verb = "approved" if approve else "rejected"
        done = f"write-off {request['id']} {verb}"
        return self._run(actor, claim_id, item.patient_account, "decide_write_off", change, done)

    def decide_write_off_request(self, actor: Actor, request_id: int, approve: bool) -> str:
        """The terminal's way: decide a write-off by its request number. Its approval item, if
        nobody else holds it, is closed as decided."""
        target = f"write-off {request_id}"
        self._checked(actor, Capability.APPROVE_WRITE_OFFS, "decide_write_off", target)
        with self.uow_factory() as uow:
            request = uow.write_offs.get(request_id)
        if request is None:
            self._audit(actor, "decide_write_off", target, AuditOutcome.NOT_FOUND)
            raise NotFoundError(f"write-off {request_id}: no such request")
        claim_id = request.claim_id
        account = self._readable_claim(actor, claim_id, "decide_write_off")
        key = f"write_off:{request_id}"
        with self.uow_factory() as uow:
            held = [
                item
                for item in uow.work_items.active_of_claim(claim_id, key)
                if item.assignee not in (None, actor.user.user_id)
            ]
        if held:
            raise WorkError(f"write-off {request_id}: item {held[0].item_id} is held by another")
        by = actor.user.user_id
        verb = "approved" if approve else "rejected"

        def change() -> str:
            decided = tier2.decide_write_off(
                self.uow_factory, request_id, approve=approve, by=by, now=self.clock()
            )
            work_queue.solve_problem(
                self.uow_factory,
                claim_id=claim_id,
                problem_key=key,
                now=self.clock(),
                reason=f"write-off {request_id} {verb} by {by}",
            )
            return decided

        return self._run(
            actor, claim_id, account, "decide_write_off", change, f"write-off {request_id} {verb}"
        )

    # Remittances and raw segments.

    def post_remittance(self, actor: Actor, name: str, data: bytes) -> FileResult:
        if not actor.can(Capability.POST_REMITTANCES):
            self._audit(actor, "post_remittance", f"file {name}", AuditOutcome.DENIED)
            raise ForbiddenError(f"{actor.called} may not post remittances")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WorkError(f"{name}: not a text file (byte {exc.start} is not UTF-8)") from exc
        # Posted under the name it is archived as, so its claims' segments are found again.
        place = None if self.settings is None else archive_name(self.settings.archive, name)
        kept = name if place is None else place.name
        try:
            result = post_bytes(
                self.uow_factory,
                data,
                name=kept,
                now=self.clock(),
                by=actor.user.user_id,
                table=self.rules.denials,
                policy=self.rules.routing,
            )
        except Exception as exc:
            if place is not None:
                place.unlink()
            self._audit(
                actor, "post_remittance", f"file {name}", AuditOutcome.FAILED, detail=str(exc)
            )
            raise WorkError(f"{name}: {exc}") from exc
        if place is not None:
            if result.ok and not result.already_ingested:
                write_outbox_file(place.parent, place.name, data)
            else:
                place.unlink()
        posted = sum(r.claims_posted for r in result.remittances)
        self._audit(
            actor,
            "post_remittance",
            f"file {name}",
            AuditOutcome.OK,
            detail=f"{len(result.remittances)} remittance(s), {posted} claim(s) posted",
        )
        return result

    def segments(self, actor: Actor, claim_id: str) -> Segments:
        account = self._readable_claim(actor, claim_id, "view_segments")
        sent: list[tuple[str, tuple[str, ...]]] = []
        answered: list[tuple[str, tuple[str, ...]]] = []
        with self.uow_factory() as uow:
            batch_claim = uow.batches.latest_claim(claim_id)
            batch = None if batch_claim is None else uow.batches.get(batch_claim.batch_id)
            remit_files = uow.remittances.files_of_claim(claim_id)
        if self.settings is not None:
            # An 837 waits in the outbox until it leaves, then is kept in archive/sent.
            places = (self.settings.outbox, self.settings.sent)
            found = None if batch is None else _first_file(batch.file_name, places)
            if batch is not None and found is not None:
                text = found.read_text(encoding="utf-8")
                sent.append((batch.file_name, claim_segments(text, "CLM", claim_id)))
            for name in remit_files:
                path = self.settings.archive / name
                if path.is_file():
                    text = path.read_text(encoding="utf-8")
                    answered.append((name, claim_segments(text, "CLP", claim_id)))
        self._audit(actor, "view_segments", f"claim {claim_id}", AuditOutcome.OK, account)
        return Segments(claim_id, tuple(sent), tuple(answered))

    def denial_facts(self, item: WorkItem) -> DenialFacts | None:
        """What the payer said about a denial item: its code, remark, category and the action the
        category table recommends."""
        if not item.problem_key.startswith("denial:"):
            return None
        group, _, carc = item.problem_key.split(":", 1)[1].partition("-")
        found = DENIAL_CODE.search(item.summary)
        rarc = found.group(3) or "" if found and found.group(2) == carc else ""
        with self.uow_factory() as uow:
            if not rarc and item.claim_id is not None:
                # The remark the payer sent with the payment that raised the item (MOA, LQ).
                rarc = next(
                    (
                        code
                        for p in uow.remittances.payments_of_claim(item.claim_id)
                        if p["remittance_id"] == item.remittance_id
                        for code in payment_view(dict(p)).remark_codes
                    ),
                    "",
                )
            texts = uow.code_texts.get_many("CARC", [carc])
        classified = self.rules.denials.classify(group, carc, [rarc] if rarc else [])
        carc_words, rarc_words = explain_carc(carc), explain_rarc(rarc) if rarc else None
        return DenialFacts(
            code=classified.code,
            carc_text=texts.get(carc, ""),
            rarc=rarc,
            category=classified.category.label,
            recommended="review" if classified.action is None else classified.action.value,
            appealable=classified.appealable,
            carc_meaning="" if carc_words is None else carc_words.meaning,
            next_step="" if carc_words is None else carc_words.next_step,
            rarc_meaning="" if rarc_words is None else rarc_words.meaning,
        )

    # Figures.

    def _day(self, as_of: date | None) -> date:
        """The day a report is as of: the one asked for (a day claimdesk has books on), else
        the practice's today."""
        return self.today() if as_of is None else checked_day(as_of)

    def today(self) -> date:
        """The practice's date now (its time zone), the end of every default period."""
        with self.uow_factory() as uow:
            zone = uow.practice.profile().time_zone
        return practice_today(self.clock(), zone)

    def dashboard_page(self, actor: Actor, as_of: date | None = None) -> DashboardPage:
        """The dashboard page in one read: the books as of ``as_of`` (default: the practice's
        today) with the last 30 days of queue productivity, and the KPIs of the year to that
        day, whose patient aging is the books' own (summed once)."""
        home = None if self.settings is None else self.settings.practice_home
        day = None if as_of is None else checked_day(as_of)

        def read() -> DashboardPage:
            view = self._dashboard(30, day)
            summary = view.summary
            figures = dashboard.figures(
                self.uow_factory,
                today=summary.as_of,
                home=home,
                rules=self.rules,
                patients_aged=summary.patient_aging,
            )
            return DashboardPage(view, figures)

        return self._read(
            actor,
            Capability.SEE_SUMMARY,
            "read_report",
            "report dashboard page",
            read,
            lambda shown: f"as of {shown.view.summary.as_of}",
        )

    def figure_claims(
        self,
        actor: Actor,
        kpi: str,
        *,
        payer_id: str | None = None,
        part: str = "",
        start: date | None = None,
        end: date | None = None,
        page: int = 1,
        page_size: int = receivables.PAGE_SIZE,
    ) -> FigureClaims:
        """One page of the claims behind a KPI (or one part of it) over the dashboard's period,
        or over ``start``..``end`` when given (a month of the trend)."""
        actor.require(Capability.SEE_SUMMARY)
        first, last = dashboard.period(self.today())
        try:
            found = dashboard.claims_behind(
                self.uow_factory,
                kpi,
                start=start or first,
                end=end or last,
                payer_id=payer_id,
                part=part,
                table=self.rules.denials,
            )
        except UnknownKpiError as exc:
            raise NotFoundError(str(exc)) from exc
        size = max(1, min(page_size, receivables.MAX_PAGE_SIZE))
        ids = found.claim_ids
        pages = max(1, -(-len(ids) // size))
        page = max(1, min(page, pages))
        with self.uow_factory() as uow:
            hits = tuple(claim_hits(uow.read, ids[(page - 1) * size : page * size]))
        target = " ".join(x for x in ("dashboard", kpi, payer_id or "", part) if x)
        self._audit(
            actor,
            "view_claim_list",
            target,
            AuditOutcome.OK,
            detail=f"patients shown: {', '.join(sorted({h.patient_account for h in hits}))}",
        )
        label = found.explanation.label + (f" {part}" if part else "")
        if payer_id:
            label += f" ({payer_id})"
        return FigureClaims(kpi, label, found.amount, hits, len(ids), page, pages)

    def ar_position(self, actor: Actor, as_of: date | None = None) -> ArPosition:
        """The one A/R figure as of ``as_of`` (default: the practice's today), with its parts."""
        day = self._day(as_of)
        return self._read(
            actor,
            Capability.SEE_SUMMARY,
            "read_report",
            f"report A/R as of {day}",
            lambda: receivables.position(self.uow_factory, day),
            lambda position: f"A/R {position.total}",
        )

    def ar_claims(
        self,
        actor: Actor,
        where: ArFilter,
        *,
        as_of: date | None = None,
        after: str | None = None,
        limit: int = receivables.PAGE_SIZE,
    ) -> ArPage:
        """One page of the claims behind (a part of) the A/R figure; a list of claims, so
        audited like one."""
        actor.require(Capability.SEE_SUMMARY)
        found = receivables.claims_page(
            self.uow_factory, self._day(as_of), where, after=after, limit=limit
        )
        self._audit(
            actor,
            "view_claim_list",
            _ar_target(found.as_of, where),
            AuditOutcome.OK,
            detail=f"claims shown: {len({r.claim_id for r in found.rows if r.claim_id})}",
        )
        return found

    def claims_worklist(
        self,
        actor: Actor,
        where: ClaimFilter,
        *,
        sort: str = "date_of_service",
        descending: bool = True,
        page: int = 1,
    ) -> ClaimsPage:
        """One page (``WORKLIST_PAGE`` claims) of the claims ``where`` picks, sorted by
        ``sort``, and how many matched; audited with the patients shown."""
        actor.require(Capability.READ_PATIENTS)
        today = self.today()
        with self.uow_factory() as uow:
            rows, matched = worklist.claims_page(
                uow.read,
                today,
                where,
                sort=sort,
                descending=descending,
                offset=(page - 1) * WORKLIST_PAGE,
                limit=WORKLIST_PAGE,
            )
        shown = sorted({r.patient_account for r in rows})
        self._audit(
            actor,
            "list_claims",
            f"claims worklist: {where.describe()}, page {page}",
            AuditOutcome.OK,
            detail=f"patients shown: {', '.join(shown)}" if shown else "nothing found",
        )
        return ListPage(tuple(rows), matched, page, WORKLIST_PAGE, where, sort, descending)

    def claims_worklist_csv(
        self, actor: Actor, where: ClaimFilter, *, sort: str, descending: bool
    ) -> Iterator[str]:
        """Every claim ``where`` picks as CSV lines, produced as they are read; the export is
        audited when it is asked for."""
        actor.require(Capability.READ_PATIENTS)
        today = self.today()
        target = f"claims worklist: {where.describe()}"
        self._audit(actor, "export_claim_list", target, AuditOutcome.OK)

        def lines() -> Iterator[str]:
            yield csv_line(WORKLIST_COLUMNS)
            with self.uow_factory() as uow:
                for r in worklist.all_claims(
                    uow.read, today, where, sort=sort, descending=descending
                ):
                    yield csv_line(
                        (
                            r.claim_id,
                            r.status,
                            r.payer_id,
                            r.patient_account,
                            r.patient_name,
                            r.rendering_npi,
                            r.date_of_service.isoformat(),
                            str(r.charge),
                            str(r.balance),
                        )
                    )

        return lines()

    def eras(
        self,
        actor: Actor,
        where: EraFilter,
        *,
        sort: str = "paid_on",
        descending: bool = True,
        page: int = 1,
    ) -> EraPage:
        """One page (``WORKLIST_PAGE`` remittances) of the 835 payments ``where`` picks,
        sorted by ``sort``, and how many matched; audited."""
        actor.require(Capability.READ_PATIENTS)
        with self.uow_factory() as uow:
            rows, matched = eras.era_page(
                uow.read,
                where,
                sort=sort,
                descending=descending,
                offset=(page - 1) * WORKLIST_PAGE,
                limit=WORKLIST_PAGE,
            )
        self._audit(
            actor,
            "list_remittances",
            f"remittances: {where.describe()}, page {page}",
            AuditOutcome.OK,
            detail=f"{matched} matched",
        )
        return ListPage(tuple(rows), matched, page, WORKLIST_PAGE, where, sort, descending)

    def eras_csv(
        self, actor: Actor, where: EraFilter, *, sort: str, descending: bool
    ) -> Iterator[str]:
        """Every remittance ``where`` picks as CSV lines, produced as they are read; the export
        is audited when it is asked for."""
        actor.require(Capability.READ_PATIENTS)
        self._audit(
            actor, "export_remittances", f"remittances: {where.describe()}", AuditOutcome.OK
        )

        def lines() -> Iterator[str]:
            yield csv_line(ERA_COLUMNS)
            with self.uow_factory() as uow:
                for r in eras.all_eras(uow.read, where, sort=sort, descending=descending):
                    yield csv_line(
                        (
                            r.remittance_id,
                            r.payer,
                            r.payer_name,
                            r.trace_number,
                            r.paid_on.isoformat(),
                            str(r.amount),
                            str(r.claims),
                            r.status,
                            r.file_name,
                        )
                    )

        return lines()

    def batches(self, actor: Actor, payer_id: str = "", page: int = 1) -> BatchPage:
        """One page of the 837 batches sent (of ``payer_id`` when given), newest first, with
        what their acknowledgments said; audited."""
        actor.require(Capability.READ_PATIENTS)
        with self.uow_factory() as uow:
            rows, matched = uow.batches.page(
                payer_id, offset=(page - 1) * WORKLIST_PAGE, limit=WORKLIST_PAGE
            )
        target = f"837 batches{f' of {payer_id}' if payer_id else ''}, page {page}"
        self._audit(actor, "list_batches", target, AuditOutcome.OK, detail=f"{matched} matched")
        return ListPage(tuple(rows), matched, page, WORKLIST_PAGE, payer_id, "sent", True)

    def batch(self, actor: Actor, batch_id: int) -> tuple[BatchRecord, list[BatchClaim]]:
        """One 837 batch and each claim it carried with its acknowledgment outcome."""
        actor.require(Capability.READ_PATIENTS)
        with self.uow_factory() as uow:
            found = uow.batches.get(batch_id)
            claims = [] if found is None else uow.batches.claims_of(batch_id)
        if found is None:
            self._audit(actor, "view_batch", f"batch {batch_id}", AuditOutcome.FAILED)
            raise NotFoundError(f"batch {batch_id}: no such batch")
        self._audit(
            actor,
            "view_batch",
            f"batch {batch_id}",
            AuditOutcome.OK,
            detail=f"claims shown: {', '.join(c.claim_id for c in claims)}",
        )
        return found, claims

    def acknowledgments(self, actor: Actor, page: int = 1) -> AckPage:
        """One page of the 999 and 277CA files read, newest first; they name no patient."""
        actor.require(Capability.READ_PATIENTS)
        with self.uow_factory() as uow:
            rows, matched = uow.files_read.page(
                ACK_KINDS, offset=(page - 1) * WORKLIST_PAGE, limit=WORKLIST_PAGE
            )
        self._audit(actor, "list_acknowledgments", f"page {page}", AuditOutcome.OK)
        return ListPage(tuple(rows), matched, page, WORKLIST_PAGE, "", "read", True)

    def era(self, actor: Actor, remittance_id: str) -> EraDetail:
        """One remittance with its claim payments and provider-level adjustments; audited with
        the claims it names."""
        actor.require(Capability.READ_PATIENTS)
        with self.uow_factory() as uow:
            found = eras.era_detail(uow.read, remittance_id)
        if found is None:
            self._audit(actor, "view_remittance", remittance_id, AuditOutcome.FAILED)
            raise NotFoundError(f"remittance {remittance_id}: no such remittance")
        claims = sorted({p.claim_id for p in found.payments if p.claim_id})
        self._audit(
            actor,
            "view_remittance",
            remittance_id,
            AuditOutcome.OK,
            detail=f"claims shown: {', '.join(claims)}" if claims else "no claim of ours",
        )
        return found

    def ar_claims_csv(
        self, actor: Actor, where: ArFilter, *, as_of: date | None = None
    ) -> Iterator[str]:
        """Every claim behind (a part of) the A/R figure as CSV lines, produced as they are
        read (for a streamed download); the export is audited when it is asked for."""
        actor.require(Capability.SEE_SUMMARY)
        day = self._day(as_of)
        self._audit(actor, "export_claim_list", _ar_target(day, where), AuditOutcome.OK)
        return receivables.claims_csv(self.uow_factory, day, where)

    def _kpi_period(self, start: date | None, end: date | None) -> tuple[date, date]:
        first, last = dashboard.period(self.today())
        start, end = checked_day(start or first), checked_day(end or last)
        if start > end:
            raise WorkError(f"period: from {start} is after to {end}")
        return start, end

    def kpis(
        self,
        actor: Actor,
        *,
        start: date | None = None,
        end: date | None = None,
        payer_id: str | None = None,
    ) -> KpiReport:
        """Every KPI over the period (the dashboard's by default); counts and sums only."""
        start, end = self._kpi_period(start, end)

        def read() -> KpiReport:
            with self.uow_factory() as uow:
                return kpi_report(
                    uow, start=start, end=end, payer_id=payer_id, table=self.rules.denials
                )

        return self._read(
            actor,
            Capability.SEE_SUMMARY,
            "read_report",
            f"report kpis {start} to {end}" + (f" payer {payer_id}" if payer_id else ""),
            read,
            lambda report: f"{len(report.kpis)} KPIs",
        )

    def explain_kpi(
        self,
        actor: Actor,
        name: str,
        *,
        start: date | None = None,
        end: date | None = None,
        payer_id: str | None = None,
    ) -> KpiExplanation:
        """The claims behind one KPI; a list of claims, so audited like one."""
        actor.require(Capability.SEE_SUMMARY)
        start, end = self._kpi_period(start, end)
        try:
            with self.uow_factory() as uow:
                found = explain(
                    uow, name, start=start, end=end, payer_id=payer_id, table=self.rules.denials
                )
        except UnknownKpiError as exc:
            raise NotFoundError(str(exc)) from exc
        claims = {c.claim_id for c in (*found.numerator, *(found.denominator or ())) if c.claim_id}
        self._audit(
            actor,
            "view_claim_list",
            f"kpi {name}",
            AuditOutcome.OK,
            detail=f"claims shown: {len(claims)}",
        )
        return found


@dataclass(frozen=True, slots=True)
class DenialFacts:
    code: str  # group-CARC, e.g. CO-16
    carc_text: str
    rarc: str
    category: str
    recommended: str
    appealable: bool
    # In plain words (``denials.explanations``), "" for a code it does not know.
    carc_meaning: str = ""
    next_step: str = ""
    rarc_meaning: str = ""


def _ar_target(as_of: date, where: ArFilter) -> str:
    parts = ("A/R", where.payer_id or "", where.part, where.bucket, f"as of {as_of}")
    return " ".join(x for x in parts if x)


DENIAL_CODE = re.compile(r"\b([A-Z]{2})-([A-Z0-9]{1,3})(?:/([A-Z]{1,2}\d{1,3}))?\b")
