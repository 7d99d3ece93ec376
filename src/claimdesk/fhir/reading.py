"""The state of one FHIR file being turned into practice records, and the element readers its
resources share: each records a located problem and gives None when a value is missing or bad,
so every problem of the file is found in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from fhir.resources.R4B.address import Address as FhirAddress
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.reference import Reference

from claimdesk.bundle.cells import CellError, parse_postal_code, parse_state
from claimdesk.domain.parties import Address
from claimdesk.fhir import systems
from claimdesk.fhir.problems import FhirProblem
from claimdesk.fhir.refs import Named, Resources, identifiers_of
from claimdesk.fhir.source import Taken

T = TypeVar("T")


class Unreadable(Enum):
    """An optional element that was given but could not be read (its problem is recorded):
    not the same as one that was not given (None)."""

    ELEMENT = "unreadable"


# The identifier system of each kind of record's claimdesk key.
KEY_SYSTEMS = {
    "payers": systems.PAYER_ID,
    "providers": systems.NPI,
    "facilities": systems.FACILITY_ID,
    "guarantors": systems.GUARANTOR_ACCOUNT,
    "patients": systems.PATIENT_ACCOUNT,
    "coverages": systems.COVERAGE_ID,
    "encounters": systems.ENCOUNTER_ID,
}
_NAMES = {
    "payers": "payer",
    "providers": "provider",
    "facilities": "facility",
    "guarantors": "guarantor",
    "patients": "patient",
    "coverages": "coverage",
    "encounters": "encounter",
}


@dataclass(frozen=True, slots=True)
class Needed:
    """A record named by a reference but not in the file: the import checks claimdesk has it."""

    entity: str  # payers, patients, providers, facilities, coverages
    key: str
    where: str
    element: str

    def missing(self) -> FhirProblem:
        what = _NAMES[self.entity]
        return FhirProblem(
            self.where, self.element, f"no {what} {self.key!r} in this file or in claimdesk"
        )


class Reading:
    def __init__(self, resources: Resources, stored_place: Callable[[str], str | None]) -> None:
        self.resources = resources
        # The practice's today: no date of service may be after it (a charge is captured once
        # the visit has happened). None: not checked.
        self.today: date | None = None
        # The place of service of each facility: the file's, else the one claimdesk holds.
        self.places: dict[str, str] = {}
        self._stored_place = stored_place
        self.problems: list[FhirProblem] = []
        self.needed: list[Needed] = []
        # Each resource of the file that is a claimdesk record: its kind and key, by place.
        self.entity: dict[str, str] = {}
        self.key: dict[str, str] = {}

    def place_of_service(self, facility_id: str) -> str | None:
        if facility_id in self.places:
            return self.places[facility_id]
        return self._stored_place(facility_id)

    def problem(self, t: Taken, element: str, reason: str) -> None:
        self.problems.append(FhirProblem(t.where, element, reason))

    def is_record(self, t: Taken, entity: str, key: str) -> None:
        self.entity[t.where] = entity
        self.key[t.where] = key

    def own_key(self, t: Taken, system: str) -> str | None:
        """The record's claimdesk key: its identifier in ``system``, else its id."""
        values = [i.value for i in identifiers_of(t) if i.system == system and i.value]
        if len(set(values)) > 1:
            self.problem(t, "identifier", f"more than one identifier in {system}: {values}")
            return None
        if values:
            return values[0]
        if t.resource_id:
            return t.resource_id
        self.problem(t, "identifier", f"an identifier in {system} (or an id) is required")
        return None

    def served(self, t: Taken, element: str, day: date | None) -> date | None:
        """A date of service, or None (and a problem) when it is after the practice's today."""
        if day is not None and self.today is not None and day > self.today:
            self.problem(t, element, f"date of service {day} is after today {self.today}")
            return None
        return day

    def required(self, t: Taken, element: str, value: str | None) -> str | None:
        if value is None or not value.strip():
            self.problem(t, element, "a value is required")
            return None
        return value.strip()

    def cell(self, t: Taken, element: str, text: str, parser: Callable[[str], T]) -> T | None:
        """``text`` through one of the CSV bundle's cell parsers: the same shape checks."""
        try:
            return parser(text)
        except CellError as exc:
            self.problem(t, element, str(exc))
            return None

    def day(self, t: Taken, element: str, value: object, *, required: bool = True) -> date | None:
        """A full date: a FHIR date, or the day a dateTime names where it was written."""
        if value is None:
            if required:
                self.problem(t, element, "a date is required")
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        self.problem(t, element, f"{value!r}: a full date is needed (YYYY-MM-DD)")
        return None

    def code(
        self,
        t: Taken,
        element: str,
        concept: CodeableConcept | Coding | None,
        wanted: Sequence[str],
        *,
        required: bool = True,
    ) -> str | None:
        """The code of the first coding in one of the ``wanted`` systems."""
        codings = _codings(concept)
        for coding in codings:
            if coding.system in wanted and coding.code:
                return str(coding.code)
        if required or codings:
            found = ", ".join(f"{c.system}|{c.code}" for c in codings) or "none"
            self.problem(t, element, f"needs a code in {' or '.join(wanted)} (found {found})")
        return None

    def extensions(self, owner: Any, url: str) -> list[Extension]:
        return [e for e in (getattr(owner, "extension", None) or ()) if e.url == url]

    def extension(self, t: Taken, owner: Any, url: str, element: str) -> Extension | None:
        found = self.extensions(owner, url)
        if len(found) > 1:
            self.problem(t, element, f"extension {url} is given {len(found)} times, once at most")
        return found[0] if found else None

    def address(
        self, t: Taken, addresses: Sequence[FhirAddress] | None, *, required: bool
    ) -> Address | None:
        """The first address; city, state and ZIP required, the street line may be empty."""
        if not addresses:
            if required:
                self.problem(t, "address", "an address (city, state and ZIP) is required")
            return None
        given = addresses[0]
        lines = [(line or "").strip() for line in (given.line or ())]
        if len(lines) > 2:
            self.problem(t, "address[0].line", "a claim's address has at most 2 lines")
            return None
        city = self.required(t, "address[0].city", given.city)
        state = self._address_part(t, "address[0].state", given.state, parse_state)
        postal = self._address_part(t, "address[0].postalCode", given.postalCode, parse_postal_code)
        if city is None or state is None or postal is None:
            return None
        return Address(
            line1=lines[0] if lines else "",
            line2=lines[1] if len(lines) > 1 else "",
            city=city,
            state=state,
            postal_code=postal,
        )

    def _address_part(
        self, t: Taken, element: str, value: str | None, parser: Callable[[str], str]
    ) -> str | None:
        text = self.required(t, element, value)
        return None if text is None else self.cell(t, element, text, parser)

    def name(self, t: Taken, names: Sequence[HumanName] | None) -> tuple[str, list[str]] | None:
        """The first name's family name and given names."""
        if not names:
            self.problem(t, "name", "a name is required")
            return None
        family = self.required(t, "name[0].family", names[0].family)
        if family is None:
            return None
        return family, [(g or "").strip() for g in (names[0].given or ()) if (g or "").strip()]

    def phone(self, telecoms: Sequence[Any] | None) -> str:
        for telecom in telecoms or ():
            if telecom.system == "phone" and telecom.value:
                return str(telecom.value).strip()
        return ""

    def identifier(self, t: Taken, system: str) -> str:
        for i in identifiers_of(t):
            if i.system == system and i.value:
                return str(i.value)
        return ""

    def refer(
        self,
        t: Taken,
        element: str,
        reference: Reference | None,
        entity: str,
        types: tuple[str, ...],
    ) -> str | None:
        """The key of the ``entity`` record ``reference`` names (in the file, or else checked
        against claimdesk's records by the import)."""
        target = self.target(t, element, reference, types)
        if target is None:
            return None
        if target.taken is not None:
            where = target.taken.where
            if self.entity.get(where) != entity:
                kind = self.entity.get(where)
                found = f"a {_NAMES[kind]}" if kind else "no record claimdesk keeps"
                self.problem(t, element, f"{where} is {found}, not a {_NAMES[entity]}")
                return None
            return self.key.get(where)
        if target.system and target.system != KEY_SYSTEMS[entity]:
            self.problem(
                t,
                element,
                f"identifier system {target.system} is not the {_NAMES[entity]} key "
                f"({KEY_SYSTEMS[entity]})",
            )
            return None
        self.needed.append(Needed(entity, target.key, t.where, element))
        return target.key

    def target(
        self, t: Taken, element: str, reference: Reference | None, types: tuple[str, ...]
    ) -> Named | None:
        if reference is None:
            self.problem(t, element, f"a reference to a {' or '.join(types)} is required")
            return None
        found = self.resources.resolve(reference, types)
        if isinstance(found, str):
            self.problem(t, element, found)
            return None
        return found

    def in_file(
        self, t: Taken, element: str, reference: Reference | None, types: tuple[str, ...]
    ) -> Taken | None:
        """The resource of this file that ``reference`` names (not a stored record)."""
        found = self.target(t, element, reference, types)
        if found is None:
            return None
        if found.taken is None:
            self.problem(t, element, f"{found.key!r}: must be a {' or '.join(types)} of this file")
            return None
        return found.taken


def _codings(concept: CodeableConcept | Coding | None) -> list[Coding]:
    if concept is None:
        return []
    if isinstance(concept, Coding):
        return [concept]
    return list(concept.coding or ())
