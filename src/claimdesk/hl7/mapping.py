"""How one sending facility's ids become claimdesk's: the interface's configuration (TOML).

An EHR names providers, locations and insurers by its own ids; claimdesk keys them by NPI,
facility id and payer id. Each sending facility (MSH-4) has a table in ``hl7.toml``; an id the
table does not map is taken as it is, so an EHR that already sends NPIs needs no provider map.
Visits have one billing provider per sender (the practice's NPI, loop 2010AA).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimdesk.bundle.cells import CellError, parse_npi

MAPPING_FILE = "hl7.toml"  # in the practice's home
COVERAGE_KEYS = ("IN1-2", "PID-3+IN1-2")
# What a DFT^P03 for a visit on file does: states the visit's charges (the lines it does not
# list are taken off), or adds its lines to those on file (an EHR that sends one DFT a charge).
CHARGE_MODES = ("visit", "add")

# FT1-25.3 and DG1-3.3 coding systems (HL7 table 0396) read as CPT/HCPCS and ICD-10-CM.
PROCEDURE_SYSTEMS = ("CPT", "C4", "CPT4", "HCPCS", "HC", "HCPT")
DIAGNOSIS_SYSTEMS = ("I10", "I10C", "ICD10CM", "ICD-10-CM")


class MappingError(ValueError):
    """The configuration file is wrong; every problem named by file and key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class SenderMapping:
    sender: str  # MSH-4
    billing_npi: str
    providers: Mapping[str, str] = field(default_factory=dict)  # EHR id -> NPI
    locations: Mapping[str, str] = field(default_factory=dict)  # PV1-3.1 -> facility id
    payers: Mapping[str, str] = field(default_factory=dict)  # IN1-3.1 -> payer id
    procedure_systems: tuple[str, ...] = PROCEDURE_SYSTEMS
    diagnosis_systems: tuple[str, ...] = DIAGNOSIS_SYSTEMS
    coverage_key: str = COVERAGE_KEYS[0]
    charges: str = CHARGE_MODES[0]

    @property
    def adds_charges(self) -> bool:
        return self.charges == CHARGE_MODES[1]

    def coverage_id(self, account: str, in1_2: str) -> str:
        """IN1-2 as sent (the EHR's id of the patient's coverage), or with the patient's
        account before it when the EHR sends the plan's id there, shared by its members."""
        return in1_2 if self.coverage_key == COVERAGE_KEYS[0] else f"{account}-{in1_2}"

    def provider(self, ehr_id: str) -> str:
        return self.providers.get(ehr_id, ehr_id)

    def facility(self, location: str) -> str:
        return self.locations.get(location, location)

    def payer(self, company: str) -> str:
        return self.payers.get(company, company)


def _texts(value: Any, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(f"{where}: a table of the EHR's ids to claimdesk's")
        return {}
    found: dict[str, str] = {}
    for ehr_id, mapped in value.items():
        if isinstance(mapped, str) and mapped:
            found[ehr_id] = mapped
        else:
            problems.append(f"{where}.{ehr_id}: claimdesk's id as text, not {mapped!r}")
    return found


def _systems(
    value: Any, default: tuple[str, ...], where: str, problems: list[str]
) -> tuple[str, ...]:
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(f"{where}: a list of coding system names")
        return default
    return tuple(value)


KEYS = {
    "billing_npi",
    "providers",
    "locations",
    "payers",
    "procedure_systems",
    "diagnosis_systems",
    "coverage_key",
    "charges",
}


def parse_mappings(text: str, source: str) -> dict[str, SenderMapping]:
    """Every sender's mapping in ``text``; :class:`MappingError` lists every problem."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingError([f"{source}: not TOML: {exc}"]) from None
    problems: list[str] = []
    unknown = set(document) - {"senders"}
    if unknown:
        problems.append(f"{source}: unknown table(s) {', '.join(sorted(unknown))}")
    senders = document.get("senders", {})
    if not isinstance(senders, dict):
        raise MappingError([f"{source}: senders: a table per sending facility (MSH-4)"])
    found: dict[str, SenderMapping] = {}
    for sender, table in senders.items():
        where = f"{source}: senders.{sender}"
        if not isinstance(table, dict):
            problems.append(f"{where}: a table")
            continue
        for key in sorted(set(table) - KEYS):
            problems.append(f"{where}.{key}: not a setting ({', '.join(sorted(KEYS))})")
        npi = table.get("billing_npi")
        if not isinstance(npi, str):
            problems.append(f"{where}.billing_npi: the billing provider's NPI is required")
            npi = ""
        else:
            try:
                parse_npi(npi)
            except CellError as exc:
                problems.append(f"{where}.billing_npi: {exc}")
        providers = _texts(table.get("providers", {}), f"{where}.providers", problems)
        for ehr_id, mapped in providers.items():
            try:
                parse_npi(mapped)
            except CellError as exc:
                problems.append(f"{where}.providers.{ehr_id}: {exc}")
        key = table.get("coverage_key", COVERAGE_KEYS[0])
        if key not in COVERAGE_KEYS:
            problems.append(f"{where}.coverage_key: one of {', '.join(COVERAGE_KEYS)}, not {key!r}")
        charges = table.get("charges", CHARGE_MODES[0])
        if charges not in CHARGE_MODES:
            problems.append(f"{where}.charges: one of {', '.join(CHARGE_MODES)}, not {charges!r}")
        found[sender] = SenderMapping(
            sender=sender,
            billing_npi=npi,
            providers=providers,
            locations=_texts(table.get("locations", {}), f"{where}.locations", problems),
            payers=_texts(table.get("payers", {}), f"{where}.payers", problems),
            procedure_systems=_systems(
                table.get("procedure_systems"),
                PROCEDURE_SYSTEMS,
                f"{where}.procedure_systems",
                problems,
            ),
            diagnosis_systems=_systems(
                table.get("diagnosis_systems"),
                DIAGNOSIS_SYSTEMS,
                f"{where}.diagnosis_systems",
                problems,
            ),
            coverage_key=str(key),
            charges=str(charges),
        )
    if problems:
        raise MappingError(problems)
    return found


def load_mappings(folder: Path) -> dict[str, SenderMapping]:
    """The senders ``folder/hl7.toml`` configures; none without the file (every message is
    then refused: claimdesk takes charges only from a sender it was told about)."""
    path = folder / MAPPING_FILE
    if not path.exists():
        return {}
    return parse_mappings(path.read_text(encoding="utf-8"), str(path))


class MappingFile:
    """``hl7.toml`` read again whenever it changes, so a listener that runs for weeks takes a
    corrected mapping with the next message; :class:`MappingError` while the file is wrong."""

    def __init__(self, folder: Path) -> None:
        self._path = folder / MAPPING_FILE
        self._stamp: tuple[int, int] | None = None
        self._mappings: dict[str, SenderMapping] = {}

    def current(self) -> dict[str, SenderMapping]:
        try:
            found = self._path.stat()
        except FileNotFoundError:
            self._stamp, self._mappings = None, {}
            return self._mappings
        stamp = (found.st_mtime_ns, found.st_size)
        if stamp != self._stamp:
            self._mappings = parse_mappings(self._path.read_text(encoding="utf-8"), str(self._path))
            self._stamp = stamp
        return self._mappings
