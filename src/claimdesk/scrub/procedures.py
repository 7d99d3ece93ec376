"""Procedure code classes and modifier groups the coding and NCCI rules rely on (codes only)."""

from __future__ import annotations

import re

# CPT Category I (5 digits), Category II (4 digits + F), Category III (4 digits + T),
# proprietary laboratory analyses (4 digits + U), HCPCS Level II (a letter A-V + 4 digits).
PROCEDURE_CODE = re.compile(r"^(?:[0-9]{5}|[0-9]{4}[FTU]|[A-V][0-9]{4})$")
LEVEL_II = re.compile(r"^[A-V][0-9]{4}$")
MODIFIER = re.compile(r"^[0-9A-Z]{2}$")

# Evaluation and management services: office/outpatient, hospital, emergency department,
# nursing facility, home, and preventive medicine visits.
_EM_RANGES = (
    (99202, 99215),
    (99221, 99239),
    (99281, 99285),
    (99304, 99316),
    (99341, 99350),
    (99381, 99397),
)
# Procedures that include their own pre-procedure evaluation, so a same-day E/M is paid only
# as a significant, separately identifiable service with modifier 25 (NCCI policy manual,
# chapter I, E/M services): the surgery section, injections and infusions, inhaled treatment.
_MINOR_PROCEDURE_RANGES = ((10004, 69990), (96360, 96379), (94640, 94640), (94664, 94664))
# Venipuncture and capillary blood draws sit in the surgery range but carry no evaluation.
_BLOOD_DRAW_RANGE = (36400, 36416)
# Joint injections and aspirations are done on one side: they name it (RT, LT or 50).
_SIDED_RANGES = ((20600, 20611),)

LATERALITY = frozenset({"LT", "RT"})
BILATERAL = "50"
DISTINCT_X = frozenset({"XE", "XP", "XS", "XU"})
DISTINCT = "59"
SEPARATE_EM = "25"
DECISION_FOR_SURGERY = "57"
TELEHEALTH_MODIFIERS = frozenset({"95", "GT", "GQ", "FQ", "93"})
# POS 02 telehealth other than in the patient's home, 10 telehealth in the patient's home.
TELEHEALTH_PLACES = frozenset({"02", "10"})
# Modifiers that may bypass an NCCI PTP edit with modifier indicator 1 (CMS NCCI policy).
NCCI_ASSOCIATED = frozenset(
    {"E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9"}
    | {"TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9"}
    | {"LT", "RT", "LC", "LD", "RC", "LM", "RI"}
    | {"24", "25", "57", "58", "78", "79", "27", "59", "91"}
    | DISTINCT_X
)
# Repeat-service modifiers: the same code twice on one day is intended.
REPEAT_MODIFIERS = frozenset({"76", "77", "91"})


def _numeric(code: str) -> int | None:
    return int(code) if len(code) == 5 and code.isdigit() else None


def _in(code: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    number = _numeric(code)
    return number is not None and any(low <= number <= high for low, high in ranges)


def is_em(code: str) -> bool:
    return _in(code, _EM_RANGES)


def needs_separate_em(code: str) -> bool:
    """A same-day E/M with this procedure needs modifier 25."""
    return _in(code, _MINOR_PROCEDURE_RANGES) and not _in(code, (_BLOOD_DRAW_RANGE,))


def needs_side(code: str) -> bool:
    return _in(code, _SIDED_RANGES)


def is_drug(code: str) -> bool:
    """HCPCS J codes are drugs billed in units of the code's dose, which may be fractional."""
    return code.startswith("J") and LEVEL_II.match(code) is not None


# Biosimilars (Q5101-Q5199) are drugs billed like J codes (CMS HCPCS Level II, Q codes).
_BIOSIMILAR = re.compile(r"^Q51[0-9]{2}$")


def needs_ndc(code: str) -> bool:
    """A drug code whose line names the NDC given, for payers that require it (loop 2410)."""
    return is_drug(code) or _BIOSIMILAR.match(code) is not None
