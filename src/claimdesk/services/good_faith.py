"""Use cases: good-faith estimates for uninsured and self-pay patients (No Surprises Act, 45 CFR
149.610), the dispute threshold check (45 CFR 149.620), and ending a dispute.

``make`` prices the encounter's scheduled services at the practice's self-pay prices (its fee
schedule) and keeps the estimate with the encounter (a row with its JSON, and its PDF in the
practice's archive under ``gfe/``). ``flag_in`` compares each open estimate with the charges
billed on the encounter's claim: $400 or more above it puts a dispute hold on the account
(statements and collections stop) and opens a Tier 2 ``gfe_dispute`` item; ``resolve`` ends
the dispute (docs/good-faith-estimates.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from claimdesk.analytics.patient_pdf import good_faith_pdf
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.good_faith import (
    Excess,
    GoodFaithError,
    GoodFaithEstimate,
    ScheduledService,
    price_lines,
)
from claimdesk.domain.ledger import Account, BalanceQuery
from claimdesk.domain.money import Money
from claimdesk.domain.payers import FeeScheduleItem
from claimdesk.domain.statements import HoldReason
from claimdesk.domain.work import SYSTEM, HistoryEvent, Outcome, Problem, WorkKind
from claimdesk.routing.policy import RoutingPolicy
from claimdesk.services.archive import write_private
from claimdesk.services.practice import practice_date
from claimdesk.services.remit_work import open_in
from claimdesk.store.queries.patient_accounts import responsible_parties
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
FOLDER = "gfe"
OPEN, DISPUTE, RESOLVED = "open", "dispute", "resolved"
GROSS = frozenset({Account.GROSS_CHARGES})


def hold_note(gfe_id: str) -> str:
    """The note of the dispute hold an estimate puts, by which ``resolve`` finds it again."""
    return f"good-faith estimate {gfe_id}: billed $400 or more above it"


def _prices(items: list[FeeScheduleItem], on: date) -> dict[tuple[str, str], Money]:
    """Each code's (and modifier's) price in effect on ``on``: the newest item effective by
    then."""
    found: dict[tuple[str, str], FeeScheduleItem] = {}
    for item in items:
        key = (item.code, item.modifier)
        if item.effective <= on and (key not in found or found[key].effective < item.effective):
            found[key] = item
    return {key: item.charge for key, item in found.items()}


@dataclass(frozen=True, slots=True)
class Made:
    estimate: dict[str, Any]
    pdf_file: str
    created: bool  # False: the encounter had its estimate already; nothing changed


def _practice_heading(uow: UnitOfWork) -> tuple[str, str]:
    profile = uow.practice.profile()
    city = profile.get("billing.city")
    address = ", ".join(
        part
        for part in (
            profile.get("billing.address1"),
            f"{city}, {profile.get('billing.state')} {profile.get('billing.zip')}" if city else "",
        )
        if part
    )
    return profile.get("name"), address


def _insured(uow: UnitOfWork, encounter: Encounter) -> bool:
    """The visit's patient has coverage in effect on its date, or a claim of it went to a plan."""
    covered = [
        c
        for c in uow.coverages.for_patient(encounter.patient_account)
        if c.active_on(encounter.date_of_service)
    ]
    billed_to_plan = [c for c in uow.claims.for_encounter(encounter.encounter_id) if c.coverage_id]
    return bool(covered or billed_to_plan)


def make(
    uow_factory: UowFactory, encounter_id: str, *, archive: Path, now: datetime, by: str
) -> Made:
    """The encounter's good-faith estimate, made once; refused for an insured visit."""
    with uow_factory() as uow:
        known = uow.good_faith.of_encounter(encounter_id)
        if known is not None:
            return Made(json.loads(known["data"]), known["pdf_file"], created=False)
        encounter = uow.encounters.get(encounter_id)
        if encounter is None:
            raise GoodFaithError(f"encounter {encounter_id}: no such encounter")
        where = f"encounter {encounter_id}"
        patient = uow.patients.get(encounter.patient_account)
        if patient is None:
            raise GoodFaithError(f"{where}: no patient {encounter.patient_account}")
        if _insured(uow, encounter):
            # 45 CFR 149.610(a)(2): the estimate goes to patients who are uninsured or who do
            # not have the claim submitted to their plan; an insured visit gets an estimate of
            # its patient share instead (claimdesk estimate, docs/estimates.md).
            raise GoodFaithError(
                f"{where}: the patient has coverage on {encounter.date_of_service}; a good-faith "
                "estimate is for uninsured or self-pay patients"
            )
        lines = price_lines(
            [
                ScheduledService(
                    line.line_number,
                    line.procedure_code,
                    line.modifiers[0] if line.modifiers else "",
                    line.units,
                )
                for line in encounter.lines
            ],
            _prices(uow.fee_schedule.list(), encounter.date_of_service),
            where,
        )
        provider = uow.providers.get(encounter.rendering_npi)
        gfe_id = f"GFE-{encounter_id}"
        estimate = GoodFaithEstimate(
            gfe_id=gfe_id,
            encounter_id=encounter_id,
            patient_account=patient.account,
            patient_name=f"{patient.first_name} {patient.last_name}",
            scheduled_on=encounter.date_of_service,
            provider_npi=encounter.rendering_npi,
            provider_name=provider.name if provider is not None else "",
            facility_id=encounter.facility_id,
            diagnoses=encounter.diagnoses,
            lines=lines,
            made_on=practice_date(uow, now),
        )
        parties = responsible_parties(uow.read)
        account = parties[patient.account].party.account
        # Encounter ids come from the EHR and may hold any character.
        pdf_file = f"{FOLDER}/{re.sub(r'[^A-Za-z0-9_.-]', '_', gfe_id)}.pdf"
        name, address = _practice_heading(uow)
        # Written before the commit: a failed make leaves a file no row names, written again.
        write_private(archive / pdf_file, good_faith_pdf(name, address, estimate))
        data = estimate.as_dict()
        uow.good_faith.add(
            {
                "gfe_id": gfe_id,
                "encounter_id": encounter_id,
                "patient_account": patient.account,
                "account": account,
                "provider_npi": encounter.rendering_npi,
                "total": estimate.total.amount,
                "data": json.dumps(data, sort_keys=True),
                "pdf_file": pdf_file,
                "status": OPEN,
                "made_on": estimate.made_on,
                "made_at": now,
                "made_by": by,
                "resolution": "",
            }
        )
        uow.commit()
    return Made(data, pdf_file, created=True)


def show(uow_factory: UowFactory, gfe_id: str) -> dict[str, Any] | None:
    """The estimate as kept, with where it stands."""
    with uow_factory() as uow:
        row = uow.good_faith.get(gfe_id)
    if row is None:
        return None
    return {
        **json.loads(row["data"]),
        "account": row["account"],
        "status": row["status"],
        "billed": None if row["billed"] is None else str(Money(row["billed"])),
        "pdf_file": row["pdf_file"],
        "resolution": row["resolution"],
    }


@dataclass
class FlagResult:
    checked: int = 0
    flagged: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "flagged": self.flagged}


def _billed(uow: UnitOfWork, encounter_id: str) -> Money:
    """The charges billed for the visit: its claim's gross charges (a corrected claim's, when
    one replaced it, is the largest, never a sum of both)."""
    claims = [c.claim_id for c in uow.claims.for_encounter(encounter_id)]
    charged = uow.ledger.balances_of_claims(claims, BalanceQuery(accounts=GROSS))
    return max((-m for m in charged.values()), default=Money.zero())


def flag_in(uow: UnitOfWork, *, now: datetime, policy: RoutingPolicy, by: str) -> FlagResult:
    """Check every open estimate against what was billed; flag those $400 or more over."""
    result = FlagResult()
    history = uow.work_items.recovery_history()
    for row in uow.good_faith.with_status(OPEN):
        result.checked += 1
        excess = Excess(row["provider_npi"], Money(row["total"]), _billed(uow, row["encounter_id"]))
        if not excess.eligible:
            continue
        gfe_id = row["gfe_id"]
        uow.statements.hold(row["account"], HoldReason.DISPUTE, hold_note(gfe_id), at=now, by=by)
        item = open_in(
            uow,
            Problem(
                kind=WorkKind.GFE_DISPUTE,
                category="other",
                problem_key=f"gfe:{gfe_id}",
                amount_at_stake=excess.over,
                patient_account=row["patient_account"],
                summary=(
                    f"{gfe_id}: billed {excess.billed}, {excess.over} above the good-faith "
                    f"estimate of {excess.estimated} (provider {excess.provider_npi}); the "
                    "patient may dispute (45 CFR 149.620); statements and collections are held"
                ),
            ),
            now=now,
            policy=policy,
            history=history,
        )
        uow.good_faith.save(
            gfe_id,
            {
                "status": DISPUTE,
                "billed": excess.billed.amount,
                "flagged_at": now,
                "work_item_id": item.item_id if item is not None else None,
            },
        )
        result.flagged.append(
            {"gfe_id": gfe_id, "account": row["account"], "over": str(excess.over)}
        )
    return result


def review(uow_factory: UowFactory, *, now: datetime, policy: RoutingPolicy, by: str) -> FlagResult:
    with uow_factory() as uow:
        uow.work_items.begin_write()
        result = flag_in(uow, now=now, policy=policy, by=by)
        uow.commit()
    return result


def resolve(uow_factory: UowFactory, gfe_id: str, note: str, *, now: datetime, by: str) -> str:
    """End the estimate's dispute: its hold released, its item closed."""
    if not note.strip():
        raise GoodFaithError("--note: say how the dispute ended")
    with uow_factory() as uow:
        uow.work_items.begin_write()
        row = uow.good_faith.get(gfe_id)
        if row is None or row["status"] != DISPUTE:
            raise GoodFaithError(f"{gfe_id}: no open dispute")
        uow.statements.release_hold(
            row["account"], HoldReason.DISPUTE, hold_note(gfe_id), at=now, by=by
        )
        if row["work_item_id"] is not None:
            item = uow.work_items.get(row["work_item_id"], with_history=False)
            if item is not None and item.active:
                event = item.close(SYSTEM, now, Outcome.PROBLEM_SOLVED)
                said = HistoryEvent(now, SYSTEM, "note", item.status, item.status, note[:200])
                uow.work_items.update(item, [event, said])
        uow.good_faith.save(
            gfe_id,
            {"status": RESOLVED, "resolved_at": now, "resolved_by": by, "resolution": note},
        )
        uow.commit()
    return RESOLVED


@dataclass(frozen=True, slots=True)
class GfeSummary:
    """One estimate of a patient, for their account page."""

    gfe_id: str
    encounter_id: str
    scheduled_on: date
    total: Money
    billed: Money | None  # kept once the bill was found $400 or more over it
    status: str


@dataclass(frozen=True, slots=True)
class SelfPayVisit:
    """A visit of a patient without coverage that has no estimate yet: one may be made."""

    encounter_id: str
    date_of_service: date


def of_patient_in(uow: UnitOfWork, patient: str) -> tuple[list[GfeSummary], list[SelfPayVisit]]:
    """The patient's estimates, and their self-pay visits still without one, by date."""
    made: list[GfeSummary] = []
    waiting: list[SelfPayVisit] = []
    for encounter in sorted(
        uow.encounters.for_patient(patient), key=lambda e: (e.date_of_service, e.encounter_id)
    ):
        row = uow.good_faith.of_encounter(encounter.encounter_id)
        if row is not None:
            made.append(
                GfeSummary(
                    row["gfe_id"],
                    row["encounter_id"],
                    encounter.date_of_service,
                    Money(row["total"]),
                    None if row["billed"] is None else Money(row["billed"]),
                    row["status"],
                )
            )
        elif not _insured(uow, encounter):
            waiting.append(SelfPayVisit(encounter.encounter_id, encounter.date_of_service))
    return made, waiting


@dataclass(frozen=True, slots=True)
class GfeStanding:
    """An estimate as kept, set against what its visit is billed now."""

    estimate: dict[str, Any]
    billed_now: Money
    over: Money
    dispute_eligible: bool  # billed $400 or more above the estimate (45 CFR 149.620)
    hold: HoldReason | None  # the hold standing on the account, if any


def standing(uow_factory: UowFactory, gfe_id: str) -> GfeStanding | None:
    found = show(uow_factory, gfe_id)
    if found is None:
        return None
    with uow_factory() as uow:
        billed = _billed(uow, found["encounter_id"])
        hold = uow.statements.holds().get(found["account"])
    excess = Excess(found["provider_npi"], Money(found["total"]), billed)
    return GfeStanding(found, billed, excess.over, excess.eligible, hold)
