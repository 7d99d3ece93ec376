"""A practice bundle once read and checked: domain objects, ready to be stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from claimdesk.domain.coverage import Coverage
from claimdesk.domain.encounters import Encounter
from claimdesk.domain.parties import Guarantor, Patient
from claimdesk.domain.payers import ContractRate, FeeScheduleItem, Payer
from claimdesk.domain.providers import Facility, Provider


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one cell: errors are data, all reported at once."""

    file: str
    row: int  # 1-based line number in the file, the header being row 1
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.column}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PracticeBundle:
    payers: tuple[Payer, ...] = ()
    providers: tuple[Provider, ...] = ()
    facilities: tuple[Facility, ...] = ()
    guarantors: tuple[Guarantor, ...] = ()
    patients: tuple[Patient, ...] = ()
    coverages: tuple[Coverage, ...] = ()
    fee_schedule: tuple[FeeScheduleItem, ...] = ()
    contracts: tuple[ContractRate, ...] = ()
    encounters: tuple[Encounter, ...] = ()
    practice: Mapping[str, str] = field(default_factory=dict)  # practice.toml, checked


@dataclass(frozen=True, slots=True)
class BundleReadResult:
    """Either a whole bundle (no errors) or every error found; never a partial bundle."""

    bundle: PracticeBundle | None
    errors: tuple[RowError, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.bundle is not None and not self.errors
