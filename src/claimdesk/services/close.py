"""Use cases of the month-end close: close a month (after its pre-checks), reopen it, list the
periods, and read the month-end pack. One transaction each (docs/close.md).

A close refuses while anything of the month is not in the books yet. The pre-checks are a list
of named checks (:data:`PRE_CHECKS`), each answering findings as data, so a new one (deposits
not reconciled to the bank, say) is one function and one line of that list.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from claimdesk.analytics.close_pdf import pack_pdf
from claimdesk.analytics.facts import Scope
from claimdesk.domain.month_end import (
    ACCOUNT_COLUMNS,
    DAY_SHEET_COLUMNS,
    REASON_COLUMNS,
    ROLL_FORWARD_COLUMNS,
    MonthEnd,
    month_end,
)
from claimdesk.domain.periods import (
    CloseFinding,
    Month,
    PeriodAction,
    PeriodEvent,
    PeriodState,
    PeriodStatus,
    refusal_to_close,
    refusal_to_reopen,
)
from claimdesk.posting.reassociation import PROBLEM_PREFIX, Verdict
from claimdesk.services.deposits import explained_exceptions, reassociation_in
from claimdesk.services.practice import practice_date
from claimdesk.services.x12_envelopes import write_outbox_file
from claimdesk.store.queries import month_end as queries
from claimdesk.store.queries.kpi_ledger import month_end_kpis
from claimdesk.store.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


class PeriodError(ValueError):
    """A close or reopen that cannot be done as asked (the message says why)."""


@dataclass(frozen=True, slots=True)
class CloseContext:
    """What a pre-check reads: the open unit of work, the month, and the home's folders."""

    uow: UnitOfWork
    month: Month
    inbox: Path
    archive: Path
    zone: ZoneInfo
    today: date  # the practice's today: deposits that arrived since the month ended count


PreCheck = Callable[[CloseContext], list[CloseFinding]]


def _waiting_files(context: CloseContext) -> list[CloseFinding]:
    places = (context.inbox, context.inbox / "processing", context.archive / "held")
    files = sorted(
        p
        for place in places
        if place.is_dir()
        for p in place.iterdir()
        if p.is_file() and p.suffix == ".835" and not p.name.startswith(".")
    )
    return [
        CloseFinding(
            "CLOSE001",
            f"835 file {path.name} has not been posted",
            "run claimdesk ingest (a held file: fix what its work item names, then put it "
            "back in the inbox)",
            str(path),
        )
        for path in files
    ]


def _held_remittances(context: CloseContext) -> list[CloseFinding]:
    return [
        CloseFinding(
            "CLOSE001",
            f"835 TRN02 {r.trace_number} ({r.amount}, paid {r.payment_date or 'undated'}) is "
            f"held, nothing of it posted: {r.reason}",
            "work the remittance's item in the Tier 2 queue until the 835 posts",
            f"remittance {r.remittance_id}",
        )
        for r in queries.held_remittances(context.uow.read, context.month)
    ]


def _mid_posting(context: CloseContext) -> list[CloseFinding]:
    return [
        CloseFinding(
            "CLOSE002",
            f"835 TRN02 {c.trace_number} claim payment {c.position} (CLP01 "
            f"{c.patient_control_number}, paid {c.paid}) is held: {c.reason}",
            "match the claim payment to its claim (its unmatched-payment item) so it posts",
            f"remittance {c.remittance_id}, CLP {c.position}",
        )
        for c in queries.claims_mid_posting(context.uow.read, context.month)
    ]


def _unapplied(context: CloseContext) -> list[CloseFinding]:
    return [
        CloseFinding(
            "CLOSE003",
            f"{u.amount} on the provider-level account is not applied: {u.summary}",
            "apply the PLB amount to the claim it recovers and close the work item",
            f"work item {u.item_id}, remittance {u.remittance_id}",
        )
        for u in queries.unapplied_cash(context.uow.read, context.month, context.zone)
    ]


def _unproven_cash(context: CloseContext) -> list[CloseFinding]:
    """The month's ERAs and deposits not matched to each other, waiting or not, unless a person
    settled the exception on its work item: a month closes once its cash is proven to the bank
    or each difference is explained. A practice that keeps no bank data has nothing to prove
    it against; from its first deposit on, every 835 must find its money."""
    start = context.uow.deposits.first_date()
    if start is None:
        return []
    month = context.month
    found = reassociation_in(context.uow, context.today, wait_business_days=0)
    settled = explained_exceptions(context.uow)
    items = {
        i.problem_key: i.item_id
        for i in context.uow.work_items.without_claim_prefixed(PROBLEM_PREFIX)
        if i.active
    }

    def in_month(day: date) -> bool:
        return month.first_day <= day <= month.last_day

    return [
        CloseFinding(
            "CLOSE004",
            f"TRN02 {group.trace}: {group.verdict.value.replace('_', ' ')}: 835s "
            f"{group.era_total}, deposits {group.deposit_total}",
            (
                f"work item {items[group.problem_key]}: take it (claimdesk queue take "
                f"{items[group.problem_key]}), then import the bank file, enter the check, or "
                "close it with why (queue act ID close --outcome no_action_needed --text ...)"
                if group.problem_key in items
                else "claimdesk deposits reconcile opens its work item"
            ),
            f"trace {group.trace}",
        )
        for group in found.groups
        if group.verdict not in (Verdict.MATCHED, Verdict.SPLIT)
        and group.problem_key not in settled
        and (
            any(in_month(e.paid_on) and e.paid_on >= start for e in group.eras)
            or any(in_month(d.deposit_date) for d in group.deposits)
        )
    ]


# (code, what must hold, the check). Add a check here and it runs on every close.
PRE_CHECKS: tuple[tuple[str, str, PreCheck], ...] = (
    ("CLOSE001", "no ERA (835) of the month waits unposted", _waiting_files),
    ("CLOSE001", "no ERA (835) of the month waits unposted", _held_remittances),
    ("CLOSE002", "no claim of the month is half way through posting", _mid_posting),
    ("CLOSE003", "no cash sits unapplied on the provider-level account", _unapplied),
    ("CLOSE004", "every ERA and deposit of the month is matched to the other", _unproven_cash),
)


@dataclass(frozen=True, slots=True)
class CloseOutcome:
    month: Month
    closed: bool
    findings: tuple[CloseFinding, ...]
    pack: MonthEnd | None

    def as_json(self) -> dict[str, object]:
        return {
            "period": str(self.month),
            "closed": self.closed,
            "findings": [f.as_json() for f in self.findings],
            "roll_forward": [] if self.pack is None else roll_forward_json(self.pack),
        }


def roll_forward_json(pack: MonthEnd) -> list[dict[str, str]]:
    return [dict(zip(ROLL_FORWARD_COLUMNS, row, strict=True)) for row in pack.roll_forward_rows()]


def _zone(uow: UnitOfWork) -> ZoneInfo:
    return uow.practice.profile().time_zone or ZoneInfo("UTC")


def read_month_end(uow: UnitOfWork, month: Month) -> MonthEnd:
    """The month's pack, read in ``uow``: the movements and the A/R at both ends."""
    zone = _zone(uow)
    return month_end(
        month,
        queries.receivable_sums(uow.read, month),
        queries.counter_sums(uow.read, month),
        queries.ar_by_class(uow.read, month.preceding.last_day, zone),
        queries.ar_by_class(uow.read, month.last_day, zone),
    )


def close_period(
    uow_factory: UowFactory,
    month: Month,
    *,
    by: str,
    now: datetime,
    inbox: Path,
    archive: Path,
) -> CloseOutcome:
    """Close ``month`` when it has ended, every pre-check holds and its roll-forward
    reconciles; else change nothing and answer the findings."""
    with uow_factory() as uow:
        uow.periods.lock_for_close()
        refusal = refusal_to_close(uow.periods.closed(), month)
        if refusal is not None:
            raise PeriodError(refusal)
        today = practice_date(uow, now)
        if month.last_day >= today:
            raise PeriodError(
                f"period {month} has not ended (the practice's today is {today}); a month "
                "closes once its last day is over"
            )
        context = CloseContext(uow, month, inbox, archive, _zone(uow), today)
        findings = [f for _code, _rule, check in PRE_CHECKS for f in check(context)]
        pack = read_month_end(uow, month)
        findings += pack.findings
        if findings:
            return CloseOutcome(month, False, tuple(findings), pack)
        (kpis,) = month_end_kpis(uow.read, [month.last_day], Scope())
        uow.periods.record(PeriodEvent(month, PeriodAction.CLOSE, now, by), pack.roll_forward, kpis)
        uow.commit()
    return CloseOutcome(month, True, (), pack)


def reopen_period(
    uow_factory: UowFactory, month: Month, *, reason: str, by: str, now: datetime
) -> PeriodState:
    """Reopen a closed month; the reason is kept with the event (and in the audit log)."""
    if not reason.strip():
        raise PeriodError(f"period {month}: reopening needs a reason (--reason TEXT)")
    with uow_factory() as uow:
        uow.periods.lock_for_close()
        refusal = refusal_to_reopen(uow.periods.closed(), month)
        if refusal is not None:
            raise PeriodError(refusal)
        uow.periods.record(PeriodEvent(month, PeriodAction.REOPEN, now, by, reason.strip()))
        uow.commit()
        return {s.month: s for s in uow.periods.states()}[month]


def periods(uow_factory: UowFactory) -> list[PeriodState]:
    with uow_factory() as uow:
        return uow.periods.states()


def month_end_pack(uow_factory: UowFactory, month: Month) -> tuple[MonthEnd, PeriodStatus, str]:
    """The pack, whether the month is closed, and the practice's name."""
    with uow_factory() as uow:
        pack = read_month_end(uow, month)
        closed = uow.periods.closed().is_closed(month.first_day)
        name = uow.practice.profile().get("name") or "the practice"
    return pack, PeriodStatus.CLOSED if closed else PeriodStatus.OPEN, name


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def pack_files(pack: MonthEnd, status: PeriodStatus, practice: str) -> dict[str, bytes]:
    """The pack's CSV files and its PDF by file name, as written to a folder or downloaded."""
    stem = f"pack-{pack.month}"
    tables = {
        f"{stem}-roll-forward.csv": csv_text(ROLL_FORWARD_COLUMNS, pack.roll_forward_rows()),
        f"{stem}-day-sheets.csv": csv_text(DAY_SHEET_COLUMNS, pack.day_sheet_rows()),
        f"{stem}-by-account.csv": csv_text(ACCOUNT_COLUMNS, pack.account_rows()),
        f"{stem}-by-reason.csv": csv_text(REASON_COLUMNS, pack.reason_rows()),
    }
    files = {name: text.encode("utf-8") for name, text in tables.items()}
    files[f"{stem}.pdf"] = pack_pdf(pack, practice, status)
    return files


def write_files(out: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Each file in ``out``, written whole; their paths."""
    return [write_outbox_file(out, name, content) for name, content in files.items()]


def zip_of(files: Mapping[str, bytes]) -> bytes:
    """The files in one ZIP archive; fixed timestamps, so the same files make the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def write_pack(pack: MonthEnd, status: PeriodStatus, practice: str, out: Path) -> list[Path]:
    """The pack's CSV files and its PDF in ``out`` (each written whole); their paths."""
    return write_files(out, pack_files(pack, status, practice))
