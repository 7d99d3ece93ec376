"""Read a practice bundle folder into domain objects, reporting every problem at once.

The files are read in dependency order (payers before the coverages that name them, encounters
before their lines), so each reference is checked against the natural keys already seen. Any
error at all means no bundle: an import is all or nothing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from claimdesk.bundle import layout as files
from claimdesk.bundle.cells import (
    COB_METHOD_VALUES,
    NETWORK_TIER_VALUES,
    PAYER_KIND_VALUES,
    PRIORITY_VALUES,
    PROVIDER_KIND_VALUES,
    RELATIONSHIP_VALUES,
    SEX_VALUES,
    parse_choice,
    parse_date,
    parse_diagnosis_code,
    parse_filing_limit,
    parse_modifier,
    parse_modifiers,
    parse_money,
    parse_npi,
    parse_pattern,
    parse_place_of_service,
    parse_pointers,
    parse_positive_int,
    parse_postal_code,
    parse_procedure_code,
    parse_state,
    parse_tax_id,
    parse_taxonomy,
    parse_units,
)
from claimdesk.bundle.model import BundleReadResult, PracticeBundle, RowError
from claimdesk.bundle.table import FILE_ROW, KeyIndex, Row, Table
from claimdesk.domain.clock import practice_today
from claimdesk.domain.coverage import Coverage, Subscriber
from claimdesk.domain.encounters import Encounter, ServiceLine
from claimdesk.domain.filing import FilingLimit, FilingUnit
from claimdesk.domain.money import Money
from claimdesk.domain.parties import Address, Guarantor, Patient
from claimdesk.domain.payers import CobMethod, ContractRate, FeeScheduleItem, Payer
from claimdesk.domain.practice import PRACTICE_FILE, ProfileError, parse_practice_file
from claimdesk.domain.providers import Facility, Provider

T = TypeVar("T")

_FILE_ORDER = {layout.name: position for position, layout in enumerate(files.LAYOUTS)}
_CITY_STATE_ZIP = ("city", "state", "postal_code")


def read_bundle(
    path: Path, now: datetime | None = None, zone: ZoneInfo | None = None
) -> BundleReadResult:
    """Every file of the bundle at ``path``, checked; the bundle only when nothing is wrong.

    With ``now``, a date of service after the practice's today is an error (a charge is captured
    once the visit has happened); today is taken in the time zone of the bundle's own
    ``practice.toml`` when it names one, else in ``zone`` (the stored profile's).
    """
    if not path.is_dir():
        return BundleReadResult(None, (RowError(str(path), FILE_ROW, "", "not a folder"),))
    errors: list[RowError] = []
    bundle = _BundleReader(path, errors, now, zone).read()
    if errors:
        ordered = sorted(errors, key=lambda e: (_FILE_ORDER.get(e.file, len(_FILE_ORDER)), e.row))
        return BundleReadResult(None, tuple(ordered))
    return BundleReadResult(bundle)


def bundle_sha256(path: Path) -> str:
    """A digest of the bundle's files (name and bytes, in the fixed file order).

    Files that are not part of the bundle (such as a synthetic practice's defects.csv) do not
    count, so the digest names the practice data alone; importers use it as an idempotency key.
    """
    digest = hashlib.sha256()
    for name in (*(layout.name for layout in files.LAYOUTS), PRACTICE_FILE):
        file = path / name
        if not file.is_file():
            continue
        content = file.read_bytes()
        digest.update(f"{name}\n{len(content)}\n".encode())
        digest.update(content)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class _EncounterHead:
    """An encounters.csv row whose cells are all good, waiting for its lines and diagnoses."""

    row: int
    encounter_id: str
    patient_account: str
    rendering_npi: str
    billing_npi: str
    facility_id: str
    date_of_service: date
    referring_npi: str
    prior_authorization: str


@dataclass(frozen=True, slots=True)
class _LineDraft:
    row: int
    line_number: int
    procedure_code: str
    modifiers: tuple[str, ...]
    units: Decimal
    charge: Money
    date_of_service: date | None
    place_of_service: str | None
    diagnosis_pointers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _DiagnosisDraft:
    row: int
    sequence: int
    code: str


def _build(row: Row, column: str, factory: Callable[[], T]) -> T | None:
    """The domain object, or None with its invariant's message as the row's error.

    Invariants that span several cells are the domain's to state; the error names the row's key
    column, and the reason (the domain's message) says which cells disagree.
    """
    try:
        return factory()
    except ValueError as exc:
        row.error(column, str(exc))
        return None


def _address(row: Row) -> Address | None:
    """An address whose city, state and ZIP are required; line 1 may be empty (a scrub finding)."""
    city = row.required("city")
    state = row.parse("state", parse_state)
    postal_code = row.parse("postal_code", parse_postal_code)
    if city is None or state is None or postal_code is None:
        return None
    return Address(
        line1=row.text("address_line1"),
        line2=row.text("address_line2"),
        city=city,
        state=state,
        postal_code=postal_code,
    )


def _filing_limit(row: Row) -> FilingLimit | None:
    """The payer's timely filing limit: ``timely_filing`` (``12 months``), ``timely_filing_days``
    (a number of days), or both when they state the same limit."""
    stated = row.parse_optional("timely_filing", parse_filing_limit)
    days = row.parse_optional("timely_filing_days", parse_positive_int)
    in_days = FilingLimit(days, FilingUnit.DAYS) if days is not None else None
    if stated is not None and in_days is not None and stated != in_days:
        row.error(
            "timely_filing",
            f"{stated} disagrees with timely_filing_days {days}: give the limit in one column, "
            f"or the same limit in both",
        )
        return None
    if not row.text("timely_filing") and not row.text("timely_filing_days"):
        row.error("timely_filing", "a value is required here (12 months) or in timely_filing_days")
    return stated or in_days


def _optional_address(row: Row) -> Address | None:
    """An address only when some address cell has a value; then city, state and ZIP must."""
    if not any(row.text(column) for column in files.ADDRESS):
        return None
    missing = [column for column in _CITY_STATE_ZIP if not row.text(column)]
    for column in missing:
        row.error(column, "required when an address is given")
    return None if missing else _address(row)


class _BundleReader:
    def __init__(
        self, folder: Path, errors: list[RowError], now: datetime | None, zone: ZoneInfo | None
    ) -> None:
        self._folder = folder
        self._errors = errors
        self._now = now
        self._zone = zone
        self._today: date | None = None
        self._payers: list[Payer] = []
        self._providers: list[Provider] = []
        self._facilities: dict[str, Facility] = {}
        self._guarantors: list[Guarantor] = []
        self._patients: list[Patient] = []
        self._coverages: list[Coverage] = []
        self._fees: list[FeeScheduleItem] = []
        self._contracts: list[ContractRate] = []
        self._encounters: list[Encounter] = []
        self._keys = {layout.name: KeyIndex(layout) for layout in files.LAYOUTS}

    def read(self) -> PracticeBundle:
        practice = self._practice()
        if self._now is not None:
            zone = practice.get("time_zone")
            self._today = practice_today(self._now, ZoneInfo(zone) if zone else self._zone)
        self._read(files.PAYERS, self._payer)
        self._read(files.PROVIDERS, self._provider)
        self._read(files.FACILITIES, self._facility)
        self._read(files.GUARANTORS, self._guarantor)
        self._read(files.PATIENTS, self._patient)
        self._read(files.COVERAGES, self._coverage)
        self._read(files.FEE_SCHEDULE, self._fee)
        self._read(files.CONTRACTS, self._contract)
        self._read_encounters()
        return PracticeBundle(
            practice=practice,
            payers=tuple(self._payers),
            providers=tuple(self._providers),
            facilities=tuple(self._facilities.values()),
            guarantors=tuple(self._guarantors),
            patients=tuple(self._patients),
            coverages=tuple(self._coverages),
            fee_schedule=tuple(self._fees),
            contracts=tuple(self._contracts),
            encounters=tuple(self._encounters),
        )

    def _practice(self) -> dict[str, str]:
        path = self._folder / PRACTICE_FILE
        if not path.is_file():
            return {}
        try:
            return parse_practice_file(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            self._errors.append(RowError(PRACTICE_FILE, FILE_ROW, "", f"not UTF-8: {exc}"))
        except ProfileError as exc:
            self._errors.extend(RowError(PRACTICE_FILE, FILE_ROW, k, r) for k, r in exc.problems)
        return {}

    def _not_after_today(self, row: Row, column: str, day: date | None) -> None:
        if day is not None and self._today is not None and day > self._today:
            row.error(column, f"date of service {day.isoformat()} is after today {self._today}")

    def _read(self, layout: files.FileLayout, handle: Callable[[Row], None]) -> None:
        table = Table(self._folder, layout, self._errors)
        index = self._keys[layout.name]
        for row in table.rows():
            index.add(row)
            handle(row)
        index.available = table.keys_checkable()

    def _check(self, row: Row, column: str, layout: files.FileLayout, target: str) -> None:
        self._keys[layout.name].check_reference(row, column, target)

    def _payer(self, row: Row) -> None:
        payer_id = row.required("payer_id")
        name = row.required("name")
        kind = row.parse("kind", partial(parse_choice, choices=PAYER_KIND_VALUES))
        filing = _filing_limit(row)
        appeal = row.parse("appeal_window_days", parse_positive_int)
        pattern = row.parse_optional("member_id_pattern", parse_pattern) or ""
        cob = row.parse_optional("cob_method", partial(parse_choice, choices=COB_METHOD_VALUES))
        if payer_id is None or name is None or kind is None or filing is None or appeal is None:
            return
        payer = _build(
            row,
            "payer_id",
            lambda: Payer(
                payer_id,
                name,
                kind,
                filing.days,
                appeal,
                pattern,
                filing.months,
                CobMethod(cob) if cob else None,
            ),
        )
        if payer is not None and row.ok:
            self._payers.append(payer)

    def _provider(self, row: Row) -> None:
        npi = row.parse("npi", parse_npi)
        kind = row.parse("kind", partial(parse_choice, choices=PROVIDER_KIND_VALUES))
        name = row.required("name")
        taxonomy = row.parse("taxonomy", parse_taxonomy)
        tax_id = row.parse("tax_id", parse_tax_id)
        address = _optional_address(row)
        if npi is None or kind is None or name is None or taxonomy is None or tax_id is None:
            return
        if row.ok:
            self._providers.append(
                Provider(npi, kind, name, taxonomy, tax_id, row.text("first_name"), address)
            )

    def _facility(self, row: Row) -> None:
        facility_id = row.required("facility_id")
        name = row.required("name")
        place = row.parse("place_of_service", parse_place_of_service)
        npi = row.parse_optional("npi", parse_npi) or ""
        address = _address(row)
        if facility_id is None or name is None or place is None or address is None:
            return
        if row.ok:
            self._facilities[facility_id] = Facility(facility_id, name, place, address, npi)

    def _guarantor(self, row: Row) -> None:
        account = row.required("account")
        last_name = row.required("last_name")
        first_name = row.required("first_name")
        address = _address(row)
        if account is None or last_name is None or first_name is None or address is None:
            return
        if row.ok:
            self._guarantors.append(
                Guarantor(account, last_name, first_name, address, row.text("phone"))
            )

    def _patient(self, row: Row) -> None:
        account = row.required("account")
        last_name = row.required("last_name")
        first_name = row.required("first_name")
        birth_date = row.parse("birth_date", parse_date)
        sex = row.parse("sex", partial(parse_choice, choices=SEX_VALUES))
        address = _address(row)
        self._check(row, "guarantor_account", files.GUARANTORS, "guarantor")
        if (
            account is None
            or last_name is None
            or first_name is None
            or birth_date is None
            or sex is None
            or address is None
        ):
            return
        if row.ok:
            self._patients.append(
                Patient(
                    account=account,
                    last_name=last_name,
                    first_name=first_name,
                    birth_date=birth_date,
                    sex=sex,
                    address=address,
                    phone=row.text("phone"),
                    middle_name=row.text("middle_name"),
                    guarantor_account=row.text("guarantor_account") or None,
                )
            )

    def _subscriber(self, row: Row) -> Subscriber | None:
        columns = (
            "subscriber_last_name",
            "subscriber_first_name",
            "subscriber_birth_date",
            "subscriber_sex",
        )
        if not any(row.text(column) for column in columns):
            return None
        for column in columns[:2]:
            if not row.text(column):
                row.error(column, "required when a subscriber is given")
        birth_date = row.parse_optional("subscriber_birth_date", parse_date)
        sex = row.parse_optional("subscriber_sex", partial(parse_choice, choices=SEX_VALUES))
        return Subscriber(
            last_name=row.text("subscriber_last_name"),
            first_name=row.text("subscriber_first_name"),
            birth_date=birth_date,
            sex=sex.value if sex is not None else "",
        )

    def _coverage(self, row: Row) -> None:
        coverage_id = row.required("coverage_id")
        patient_account = row.required("patient_account")
        payer_id = row.required("payer_id")
        plan_name = row.required("plan_name")
        priority = row.parse("priority", partial(parse_choice, choices=PRIORITY_VALUES))
        relationship = row.parse("relationship", partial(parse_choice, choices=RELATIONSHIP_VALUES))
        effective = row.parse("effective", parse_date)
        termination = row.parse_optional("termination", parse_date)
        tier = row.parse("network_tier", partial(parse_choice, choices=NETWORK_TIER_VALUES))
        subscriber = self._subscriber(row)
        self._check(row, "patient_account", files.PATIENTS, "patient")
        self._check(row, "payer_id", files.PAYERS, "payer")
        if (
            coverage_id is None
            or patient_account is None
            or payer_id is None
            or plan_name is None
            or priority is None
            or relationship is None
            or effective is None
            or tier is None
            or not row.ok
        ):
            return
        coverage = _build(
            row,
            "coverage_id",
            lambda: Coverage(
                coverage_id=coverage_id,
                patient_account=patient_account,
                payer_id=payer_id,
                plan_name=plan_name,
                member_id=row.text("member_id"),
                group_number=row.text("group_number"),
                priority=priority,
                relationship=relationship,
                effective=effective,
                termination=termination,
                network_tier=tier,
                subscriber=subscriber,
            ),
        )
        if coverage is not None:
            self._coverages.append(coverage)

    def _fee(self, row: Row) -> None:
        code = row.parse("code", parse_procedure_code)
        modifier = row.parse_optional("modifier", parse_modifier) or ""
        charge = row.parse("charge", parse_money)
        effective = row.parse("effective", parse_date)
        if code is None or charge is None or effective is None:
            return
        if row.ok:
            self._fees.append(FeeScheduleItem(code, charge, effective, modifier))

    def _contract(self, row: Row) -> None:
        payer_id = row.required("payer_id")
        code = row.parse("code", parse_procedure_code)
        modifier = row.parse_optional("modifier", parse_modifier) or ""
        allowed = row.parse("allowed", parse_money)
        effective = row.parse("effective", parse_date)
        termination = row.parse_optional("termination", parse_date)
        self._check(row, "payer_id", files.PAYERS, "payer")
        if effective is not None and termination is not None and termination < effective:
            row.error("termination", "the rate terminates before it is effective")
        if payer_id is None or code is None or allowed is None or effective is None:
            return
        if row.ok:
            self._contracts.append(
                ContractRate(payer_id, code, allowed, effective, termination, modifier)
            )

    def _read_encounters(self) -> None:
        heads: list[_EncounterHead] = []
        # Encounters with a bad row anywhere (their own, a line's, a diagnosis's): not built.
        broken: set[str] = set()
        self._read(files.ENCOUNTERS, partial(self._encounter, heads=heads, broken=broken))
        lines: defaultdict[str, list[_LineDraft]] = defaultdict(list)
        line_rows: defaultdict[str, int] = defaultdict(int)
        self._read(
            files.SERVICE_LINES,
            partial(self._service_line, lines=lines, counts=line_rows, broken=broken),
        )
        diagnoses: defaultdict[str, list[_DiagnosisDraft]] = defaultdict(list)
        diagnosis_rows: defaultdict[str, int] = defaultdict(int)
        self._read(
            files.DIAGNOSES,
            partial(self._diagnosis, diagnoses=diagnoses, counts=diagnosis_rows, broken=broken),
        )
        for head in heads:
            eid = head.encounter_id
            complete = self._check_parts(
                head, lines[eid], line_rows[eid], diagnoses[eid], diagnosis_rows[eid]
            )
            if complete and eid not in broken:
                self._assemble(head, lines[eid], diagnoses[eid])

    def _encounter(self, row: Row, *, heads: list[_EncounterHead], broken: set[str]) -> None:
        encounter_id = row.required("encounter_id")
        patient_account = row.required("patient_account")
        rendering = row.parse("rendering_npi", parse_npi)
        billing = row.parse("billing_npi", parse_npi)
        facility_id = row.required("facility_id")
        date_of_service = row.parse("date_of_service", parse_date)
        referring = row.parse_optional("referring_npi", parse_npi) or ""
        self._not_after_today(row, "date_of_service", date_of_service)
        self._check(row, "patient_account", files.PATIENTS, "patient")
        self._check(row, "rendering_npi", files.PROVIDERS, "provider")
        self._check(row, "billing_npi", files.PROVIDERS, "provider")
        self._check(row, "facility_id", files.FACILITIES, "facility")
        if (
            encounter_id is None
            or patient_account is None
            or rendering is None
            or billing is None
            or facility_id is None
            or date_of_service is None
            or not row.ok
        ):
            if encounter_id is not None:
                broken.add(encounter_id)
            return
        heads.append(
            _EncounterHead(
                row=row.number,
                encounter_id=encounter_id,
                patient_account=patient_account,
                rendering_npi=rendering,
                billing_npi=billing,
                facility_id=facility_id,
                date_of_service=date_of_service,
                referring_npi=referring,
                prior_authorization=row.text("prior_authorization"),
            )
        )

    def _service_line(
        self,
        row: Row,
        *,
        lines: defaultdict[str, list[_LineDraft]],
        counts: defaultdict[str, int],
        broken: set[str],
    ) -> None:
        encounter_id = row.required("encounter_id")
        line_number = row.parse("line_number", parse_positive_int)
        code = row.parse("procedure_code", parse_procedure_code)
        modifiers = row.parse_optional("modifiers", parse_modifiers) or ()
        units = row.parse("units", parse_units)
        charge = row.parse("charge", parse_money)
        pointers = row.parse("diagnosis_pointers", parse_pointers)
        date_of_service = row.parse_optional("date_of_service", parse_date)
        place = row.parse_optional("place_of_service", parse_place_of_service)
        self._not_after_today(row, "date_of_service", date_of_service)
        self._check(row, "encounter_id", files.ENCOUNTERS, "encounter")
        if encounter_id is None:
            return
        counts[encounter_id] += 1
        if (
            line_number is None
            or code is None
            or units is None
            or charge is None
            or pointers is None
            or not row.ok
        ):
            broken.add(encounter_id)
            return
        lines[encounter_id].append(
            _LineDraft(
                row.number,
                line_number,
                code,
                modifiers,
                units,
                charge,
                date_of_service,
                place,
                pointers,
            )
        )

    def _diagnosis(
        self,
        row: Row,
        *,
        diagnoses: defaultdict[str, list[_DiagnosisDraft]],
        counts: defaultdict[str, int],
        broken: set[str],
    ) -> None:
        encounter_id = row.required("encounter_id")
        sequence = row.parse("sequence", parse_positive_int)
        code = row.parse("code", parse_diagnosis_code)
        self._check(row, "encounter_id", files.ENCOUNTERS, "encounter")
        if encounter_id is None:
            return
        counts[encounter_id] += 1
        if sequence is None or code is None or not row.ok:
            broken.add(encounter_id)
            return
        diagnoses[encounter_id].append(_DiagnosisDraft(row.number, sequence, code))

    def _error(self, layout: files.FileLayout, row: int, column: str, reason: str) -> None:
        self._errors.append(RowError(layout.name, row, column, reason))

    def _check_parts(
        self,
        head: _EncounterHead,
        lines: list[_LineDraft],
        line_rows: int,
        diagnoses: list[_DiagnosisDraft],
        diagnosis_rows: int,
    ) -> bool:
        """Cross-file checks of one encounter; whether it has the lines and diagnoses it needs.

        Counts include rows with bad cells, so a pointer is judged against the diagnoses the file
        has, not against the ones that happened to parse.
        """
        eid = head.encounter_id
        if not line_rows:
            self._error(files.ENCOUNTERS, head.row, "encounter_id", "no rows in service_lines.csv")
        if not diagnosis_rows:
            self._error(files.ENCOUNTERS, head.row, "encounter_id", "no rows in diagnoses.csv")
        complete = True
        for diagnosis in diagnoses:
            if diagnosis.sequence > diagnosis_rows:
                self._error(
                    files.DIAGNOSES,
                    diagnosis.row,
                    "sequence",
                    f"sequence {diagnosis.sequence}, but encounter {eid} has {diagnosis_rows} "
                    f"diagnosis rows: number them 1 to {diagnosis_rows} without gaps",
                )
                complete = False
        # With no diagnoses at all every pointer is beyond them; that was reported above.
        for line in lines if diagnosis_rows else ():
            beyond = [p for p in line.diagnosis_pointers if p > diagnosis_rows]
            if beyond:
                self._error(
                    files.SERVICE_LINES,
                    line.row,
                    "diagnosis_pointers",
                    f"pointer {beyond[0]}, but encounter {eid} has only {diagnosis_rows} "
                    f"diagnosis rows",
                )
                complete = False
        return complete and bool(line_rows) and bool(diagnosis_rows)

    def _assemble(
        self, head: _EncounterHead, drafts: list[_LineDraft], diagnoses: list[_DiagnosisDraft]
    ) -> None:
        facility = self._facilities.get(head.facility_id)
        built: list[ServiceLine] = []
        for draft in sorted(drafts, key=lambda d: d.line_number):
            place = draft.place_of_service or (facility.place_of_service if facility else None)
            if place is None:
                # The facility row itself was bad, and has been reported.
                return
            try:
                built.append(
                    ServiceLine(
                        line_number=draft.line_number,
                        procedure_code=draft.procedure_code,
                        charge=draft.charge,
                        units=draft.units,
                        date_of_service=draft.date_of_service or head.date_of_service,
                        place_of_service=place,
                        diagnosis_pointers=draft.diagnosis_pointers,
                        modifiers=draft.modifiers,
                    )
                )
            except ValueError as exc:
                self._error(files.SERVICE_LINES, draft.row, "line_number", str(exc))
                return
        codes = tuple(d.code for d in sorted(diagnoses, key=lambda d: d.sequence))
        try:
            encounter = Encounter(
                encounter_id=head.encounter_id,
                patient_account=head.patient_account,
                rendering_npi=head.rendering_npi,
                billing_npi=head.billing_npi,
                facility_id=head.facility_id,
                date_of_service=head.date_of_service,
                diagnoses=codes,
                lines=tuple(built),
                referring_npi=head.referring_npi,
                prior_authorization=head.prior_authorization,
            )
        except ValueError as exc:
            self._error(files.ENCOUNTERS, head.row, "encounter_id", str(exc))
            return
        self._encounters.append(encounter)
