"""The CMS-1500 (02/12) on its print grid: each box with its number and caption, the words and
check squares printed inside the boxes, and the slot where each datum is typed.

Boxes and slots share the grid of :mod:`claimdesk.forms.grid`, so the whole form claimdesk draws
and the data it prints onto the red pre-printed form put every datum at the same place. Box rows
are two lines high (the caption on the first, the data on the second) except where the form's
own rows are taller (signatures 12, 13 and 31-33, diagnoses 21, the service lines of 24).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from claimdesk.forms.grid import Rect, area

SERVICE_LINES = 6  # item 24 has six service lines per form


@dataclass(frozen=True, slots=True)
class Box:
    """A box of the form: ``key`` is its item number (``1a``, ``24F.3`` for line 3 of 24F)."""

    key: str
    caption: str
    first_line: int
    last_line: int
    first_column: int
    last_column: int
    shaded: bool = False
    framed: bool = True  # the carrier block has no frame of its own
    caption_size: float = 5.5
    caption_drop: float = 0.0  # points below the box's top where the caption begins

    @property
    def rect(self) -> Rect:
        return area(self.first_line, self.last_line, self.first_column, self.last_column)


@dataclass(frozen=True, slots=True)
class Label:
    """Small print inside a box (YES, NO, MM DD YY, SIGNED...): the full form only."""

    line: int
    column: float
    text: str
    size: float = 5.0
    bold: bool = False
    low: bool = False  # at the bottom of its line (under a caption) rather than the top


@dataclass(frozen=True, slots=True)
class Check:
    """A check square: the X of a choice is typed in its cell."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Divider:
    """A dotted rule inside a box (between month, day and year; dollars and cents), at the left
    edge of ``column``, over lines ``first_line`` to ``last_line``."""

    column: float
    first_line: int
    last_line: int


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one datum is typed: ``width`` cells from ``column`` on ``line``, inside ``box``;
    ``right`` right-justifies it (dollars, against their cents)."""

    box: str
    line: int
    column: int
    width: int
    right: bool = False

    @property
    def rect(self) -> Rect:
        return area(self.line, self.line, self.column, self.column + self.width - 1)


def _box(
    key: str,
    caption: str,
    lines: tuple[int, int],
    columns: tuple[int, int],
    *,
    size: float = 5.5,
    drop: float = 0.0,
) -> Box:
    return Box(
        key,
        caption,
        lines[0],
        lines[1],
        columns[0],
        columns[1],
        caption_size=size,
        caption_drop=drop,
    )


PATIENT_ROWS = (7, 30)  # items 1 to 13: the patient and insured information
PROVIDER_ROWS = (31, 61)  # items 14 to 33: the physician or supplier information

BOXES: tuple[Box, ...] = (
    Box("carrier", "", 1, 5, 41, 80, framed=False),
    _box("1", "1.", (7, 8), (1, 49)),
    _box("1a", "1a. INSURED'S I.D. NUMBER", (7, 8), (50, 80)),
    _box("2", "2. PATIENT'S NAME (Last Name, First Name, Middle Initial)", (9, 10), (1, 29)),
    _box("3", "3. PATIENT'S BIRTH DATE", (9, 10), (30, 49)),
    _box("4", "4. INSURED'S NAME (Last Name, First Name, Middle Initial)", (9, 10), (50, 80)),
    _box("5", "5. PATIENT'S ADDRESS (No., Street)", (11, 12), (1, 29)),
    _box("6", "6. PATIENT RELATIONSHIP TO INSURED", (11, 12), (30, 49)),
    _box("7", "7. INSURED'S ADDRESS (No., Street)", (11, 12), (50, 80)),
    _box("5.city", "CITY", (13, 14), (1, 24)),
    _box("5.state", "STATE", (13, 14), (25, 29)),
    _box("8", "8. RESERVED FOR NUCC USE", (13, 16), (30, 49)),
    _box("7.city", "CITY", (13, 14), (50, 72)),
    _box("7.state", "STATE", (13, 14), (73, 80)),
    _box("5.zip", "ZIP CODE", (15, 16), (1, 13)),
    _box("5.phone", "TELEPHONE (Include Area Code)", (15, 16), (14, 29)),
    _box("7.zip", "ZIP CODE", (15, 16), (50, 63)),
    _box("7.phone", "TELEPHONE (Include Area Code)", (15, 16), (64, 80)),
    _box("9", "9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", (17, 18), (1, 29)),
    _box("10", "10. IS PATIENT'S CONDITION RELATED TO:", (17, 18), (30, 49)),
    _box("11", "11. INSURED'S POLICY GROUP OR FECA NUMBER", (17, 18), (50, 80)),
    _box("9a", "a. OTHER INSURED'S POLICY OR GROUP NUMBER", (19, 20), (1, 29)),
    _box("10a", "a. EMPLOYMENT? (Current or Previous)", (19, 20), (30, 49)),
    _box("11a", "a. INSURED'S DATE OF BIRTH", (19, 20), (50, 80)),
    _box("9b", "b. RESERVED FOR NUCC USE", (21, 22), (1, 29)),
    _box("10b", "b. AUTO ACCIDENT?", (21, 22), (30, 49)),
    _box("11b", "b. OTHER CLAIM ID (Designated by NUCC)", (21, 22), (50, 80)),
    _box("9c", "c. RESERVED FOR NUCC USE", (23, 24), (1, 29)),
    _box("10c", "c. OTHER ACCIDENT?", (23, 24), (30, 49)),
    _box("11c", "c. INSURANCE PLAN NAME OR PROGRAM NAME", (23, 24), (50, 80)),
    _box("9d", "d. INSURANCE PLAN NAME OR PROGRAM NAME", (25, 26), (1, 29)),
    _box("10d", "10d. CLAIM CODES (Designated by NUCC)", (25, 26), (30, 49)),
    _box("11d", "d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", (25, 26), (50, 80)),
    _box(
        "12",
        "12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE I authorize the release of any medical "
        "or other information necessary to process this claim. I also request payment of "
        "government benefits either to myself or to the party who accepts assignment below.",
        (27, 30),
        (1, 49),
        drop=6.0,
    ),
    _box(
        "13",
        "13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE I authorize payment of medical "
        "benefits to the undersigned physician or supplier for services described below.",
        (27, 30),
        (50, 80),
        drop=6.0,
    ),
    _box("14", "14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)", (31, 32), (1, 29)),
    _box("15", "15. OTHER DATE", (31, 32), (30, 49)),
    _box("16", "16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION", (31, 32), (50, 80)),
    _box("17", "17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", (33, 34), (1, 28)),
    Box("17a", "17a.", 33, 33, 29, 49, shaded=True),
    _box("17b", "17b. NPI", (34, 34), (29, 49)),
    _box("18", "18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES", (33, 34), (50, 80)),
    _box("19", "19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)", (35, 36), (1, 49)),
    _box("20", "20. OUTSIDE LAB?", (35, 36), (50, 80)),
    _box(
        "21",
        "21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)",
        (37, 40),
        (1, 49),
    ),
    _box("22", "22. RESUBMISSION CODE", (37, 38), (50, 80)),
    _box("23", "23. PRIOR AUTHORIZATION NUMBER", (39, 40), (50, 80)),
    _box("24A", "24. A.    DATE(S) OF SERVICE", (41, 42), (1, 18)),
    _box("24B", "B. PLACE OF SERVICE", (41, 42), (19, 21), size=4.0),
    _box("24C", "C. EMG", (41, 42), (22, 24), size=4.0),
    _box(
        "24D",
        "D. PROCEDURES, SERVICES, OR SUPPLIES (Explain Unusual Circumstances)",
        (41, 42),
        (25, 44),
    ),
    _box("24E", "E. DIAGNOSIS POINTER", (41, 42), (45, 49), size=4.5),
    _box("24F", "F. $ CHARGES", (41, 42), (50, 58)),
    _box("24G", "G. DAYS OR UNITS", (41, 42), (59, 62), size=4.5),
    _box("24H", "H. EPSDT Family Plan", (41, 42), (63, 64), size=4.0),
    _box("24I", "I. ID. QUAL.", (41, 42), (65, 67), size=4.0),
    _box("24J", "J. RENDERING PROVIDER ID. #", (41, 42), (68, 80)),
    _box("25", "25. FEDERAL TAX I.D. NUMBER", (55, 56), (1, 21)),
    _box("26", "26. PATIENT'S ACCOUNT NO.", (55, 56), (22, 35)),
    _box("27", "27. ACCEPT ASSIGNMENT? (For govt. claims, see back)", (55, 56), (36, 49)),
    _box("28", "28. TOTAL CHARGE", (55, 56), (50, 60)),
    _box("29", "29. AMOUNT PAID", (55, 56), (61, 70)),
    _box("30", "30. Rsvd for NUCC Use", (55, 56), (71, 80)),
    _box(
        "31",
        "31. SIGNATURE OF PHYSICIAN OR SUPPLIER INCLUDING DEGREES OR CREDENTIALS (I certify "
        "that the statements on the reverse apply to this bill and are made a part thereof.)",
        (57, 61),
        (1, 21),
    ),
    _box("32", "32. SERVICE FACILITY LOCATION INFORMATION", (57, 61), (22, 49)),
    _box("33", "33. BILLING PROVIDER INFO & PH #", (57, 61), (50, 80)),
)

# The columns of item 24's service lines: (letter, first column, last column).
SERVICE_COLUMNS = (
    ("A", 1, 18),
    ("B", 19, 21),
    ("C", 22, 24),
    ("D", 25, 44),
    ("E", 45, 49),
    ("F", 50, 58),
    ("G", 59, 62),
    ("H", 63, 64),
    ("I", 65, 67),
    ("J", 68, 80),
)


def service_line(number: int) -> tuple[int, int]:
    """(shaded line, data line) of service line ``number`` (1 to 6)."""
    data = 42 + 2 * number
    return data - 1, data


def _service_boxes() -> tuple[Box, ...]:
    boxes: list[Box] = []
    for number in range(1, SERVICE_LINES + 1):
        shaded, data = service_line(number)
        # The shaded half holds supplemental information across 24A-24G (NDC), the EPSDT
        # indicator over 24H, and a non-NPI qualifier and id over 24I and 24J.
        boxes += [
            Box(f"24.supplemental.{number}", "", shaded, shaded, 1, 62, shaded=True),
            Box(f"24H.shaded.{number}", "", shaded, shaded, 63, 64, shaded=True),
            Box(f"24I.shaded.{number}", "", shaded, shaded, 65, 67, shaded=True),
            Box(f"24J.shaded.{number}", "", shaded, shaded, 68, 80, shaded=True),
        ]
        boxes += [
            Box(f"24{letter}.{number}", "", data, data, first, last)
            for letter, first, last in SERVICE_COLUMNS
        ]
    return tuple(boxes)


ALL_BOXES: tuple[Box, ...] = BOXES + _service_boxes()
BOX: Mapping[str, Box] = MappingProxyType({b.key: b for b in ALL_BOXES})

# Item 1's programs: (check column, name, what its id is).
PROGRAMS = (
    (1, "MEDICARE", "(Medicare#)"),
    (8, "MEDICAID", "(Medicaid#)"),
    (15, "TRICARE", "(ID#/DoD#)"),
    (24, "CHAMPVA", "(Member ID#)"),
    (31, "GROUP HEALTH PLAN", "(ID#)"),
    (39, "FECA BLK LUNG", "(ID#)"),
    (45, "OTHER", "(ID#)"),
)


def _slot(box: str, line: int, column: int, width: int, *, right: bool = False) -> Slot:
    return Slot(box, line, column, width, right)


def _date(prefix: str, box: str, line: int, column: int, *, century: bool) -> dict[str, Slot]:
    """Month, day and year spaces: MM and DD two cells, the year two or four, one cell apart."""
    return {
        f"{prefix}.month": _slot(box, line, column, 2),
        f"{prefix}.day": _slot(box, line, column + 3, 2),
        f"{prefix}.year": _slot(box, line, column + 6, 4 if century else 2),
    }


SLOTS: Mapping[str, Slot] = MappingProxyType(
    {
        "page": _slot("carrier", 1, 70, 11),
        **{f"carrier.{n}": _slot("carrier", 1 + n, 41, 31) for n in range(1, 5)},
        **{f"1.{name}": _slot("1", 8, column, 1) for column, name, _id in PROGRAMS},
        "1a": _slot("1a", 8, 50, 29),
        "2": _slot("2", 10, 1, 28),
        **_date("3", "3", 10, 31, century=True),
        "3.male": _slot("3", 10, 42, 1),
        "3.female": _slot("3", 10, 47, 1),
        "4": _slot("4", 10, 50, 29),
        "5": _slot("5", 12, 1, 28),
        "6.self": _slot("6", 12, 33, 1),
        "6.spouse": _slot("6", 12, 38, 1),
        "6.child": _slot("6", 12, 42, 1),
        "6.other": _slot("6", 12, 47, 1),
        "7": _slot("7", 12, 50, 29),
        "5.city": _slot("5.city", 14, 1, 23),
        "5.state": _slot("5.state", 14, 26, 2),
        "7.city": _slot("7.city", 14, 50, 22),
        "7.state": _slot("7.state", 14, 74, 2),
        "5.zip": _slot("5.zip", 16, 1, 10),
        "5.area": _slot("5.phone", 16, 15, 3),
        "5.number": _slot("5.phone", 16, 19, 7),
        "7.zip": _slot("7.zip", 16, 50, 10),
        "7.area": _slot("7.phone", 16, 65, 3),
        "7.number": _slot("7.phone", 16, 69, 7),
        "9": _slot("9", 18, 1, 28),
        "11": _slot("11", 18, 50, 29),
        "9a": _slot("9a", 20, 1, 28),
        "10a.yes": _slot("10a", 20, 35, 1),
        "10a.no": _slot("10a", 20, 41, 1),
        **_date("11a", "11a", 20, 53, century=True),
        "11a.male": _slot("11a", 20, 68, 1),
        "11a.female": _slot("11a", 20, 75, 1),
        "10b.yes": _slot("10b", 22, 35, 1),
        "10b.no": _slot("10b", 22, 41, 1),
        "11b": _slot("11b", 22, 50, 29),
        "10c.yes": _slot("10c", 24, 35, 1),
        "10c.no": _slot("10c", 24, 41, 1),
        "11c": _slot("11c", 24, 50, 29),
        "9d": _slot("9d", 26, 1, 28),
        "11d.yes": _slot("11d", 26, 52, 1),
        "11d.no": _slot("11d", 26, 57, 1),
        "12": _slot("12", 29, 7, 26),
        "13": _slot("13", 29, 55, 24),
        "17.qualifier": _slot("17", 34, 1, 2),
        "17": _slot("17", 34, 4, 24),
        "17b": _slot("17b", 34, 33, 10),
        "21.indicator": _slot("21", 37, 42, 1),
        **{
            f"21.{letter}": _slot("21", 38 + n // 4, 3 + 13 * (n % 4), 7)
            for n, letter in enumerate("ABCDEFGHIJKL")
        },
        "22.code": _slot("22", 38, 50, 11),
        "22.reference": _slot("22", 38, 62, 18),
        "23": _slot("23", 40, 50, 29),
        "25": _slot("25", 56, 1, 15),
        "25.ssn": _slot("25", 56, 17, 1),
        "25.ein": _slot("25", 56, 19, 1),
        "26": _slot("26", 56, 23, 13),
        "27.yes": _slot("27", 56, 38, 1),
        "27.no": _slot("27", 56, 43, 1),
        "28.dollars": _slot("28", 56, 51, 6, right=True),
        "28.cents": _slot("28", 56, 58, 2),
        "28.continued": _slot("28", 56, 51, 9),
        "29.dollars": _slot("29", 56, 62, 5, right=True),
        "29.cents": _slot("29", 56, 68, 2),
        "31": _slot("31", 60, 1, 20),
        "31.date": _slot("31", 61, 14, 6),
        **{f"32.{n}": _slot("32", 57 + n, 23, 26) for n in range(1, 4)},
        "32a": _slot("32", 61, 23, 10),
        "33.area": _slot("33", 57, 66, 3),
        "33.number": _slot("33", 57, 70, 7),
        **{f"33.{n}": _slot("33", 57 + n, 50, 31) for n in range(1, 4)},
        "33a": _slot("33", 61, 51, 10),
    }
)


def line_slots(number: int) -> dict[str, Slot]:
    """The slots of service line ``number`` (1 to 6)."""
    shaded, data = service_line(number)

    def cell(letter: str, column: int, width: int, *, right: bool = False) -> Slot:
        return _slot(f"24{letter}.{number}", data, column, width, right=right)

    return {
        "supplemental": _slot(f"24.supplemental.{number}", shaded, 1, 61),
        "from.month": cell("A", 1, 2),
        "from.day": cell("A", 4, 2),
        "from.year": cell("A", 7, 2),
        "to.month": cell("A", 10, 2),
        "to.day": cell("A", 13, 2),
        "to.year": cell("A", 16, 2),
        "place": cell("B", 19, 2),
        "emergency": cell("C", 22, 1),
        "procedure": cell("D", 25, 6),
        **{f"modifier.{n}": cell("D", 30 + 3 * n, 2) for n in range(1, 5)},
        "pointer": cell("E", 45, 4),
        "dollars": cell("F", 50, 5, right=True),
        "cents": cell("F", 56, 2),
        "units": cell("G", 59, 4),
        "rendering": cell("J", 68, 10),
    }


CHECKS: tuple[Check, ...] = (
    *(Check(8, column) for column, _name, _id in PROGRAMS),
    Check(10, 42),
    Check(10, 47),
    *(Check(12, column) for column in (33, 38, 42, 47)),
    *(Check(line, column) for line in (20, 22, 24) for column in (35, 41)),
    Check(20, 68),
    Check(20, 75),
    Check(26, 52),
    Check(26, 57),
    Check(36, 52),
    Check(36, 57),
    Check(56, 17),
    Check(56, 19),
    Check(56, 38),
    Check(56, 43),
)


def _date_labels(line: int, column: int, *, century: bool, low: bool = False) -> tuple[Label, ...]:
    return (
        Label(line, column + 0.2, "MM", 4.5, low=low),
        Label(line, column + 3.2, "DD", 4.5, low=low),
        Label(line, column + (7.2 if century else 6.2), "YY", 4.5, low=low),
    )


def _phone_labels(line: int, area: int) -> tuple[Label, ...]:
    """The parentheses around a phone's area code, in the cells either side of it."""
    return (Label(line, area - 0.7, "(", 8, low=True), Label(line, area + 3.3, ")", 8, low=True))


def _date_dividers(column: int, line: int) -> tuple[Divider, ...]:
    return (Divider(column + 2.5, line, line), Divider(column + 5.5, line, line))


LABELS: tuple[Label, ...] = (
    *(Label(7, column + 1.2, name) for column, name, _id in PROGRAMS),
    *(Label(8, column + 1.3, ident, 4.5) for column, _name, ident in PROGRAMS),
    *_date_labels(9, 31, century=True, low=True),
    Label(7, 66.5, "(For Program in Item 1)"),
    Label(9, 43.5, "SEX"),
    Label(10, 43.2, "M"),
    Label(10, 48.2, "F"),
    Label(12, 30.2, "Self"),
    Label(12, 34.1, "Spouse"),
    Label(12, 39.4, "Child"),
    Label(12, 43.9, "Other"),
    *(
        Label(line, column, word)
        for line in (20, 22, 24)
        for column, word in ((36.2, "YES"), (42.2, "NO"))
    ),
    *_date_labels(19, 53, century=True, low=True),
    Label(19, 70.5, "SEX"),
    Label(21, 43.6, "PLACE (State)"),
    Label(35, 62.2, "$ CHARGES"),
    Label(37, 62.2, "ORIGINAL REF. NO."),
    Label(20, 69.2, "M"),
    Label(20, 76.2, "F"),
    Label(26, 53.2, "YES"),
    Label(26, 58.2, "NO"),
    Label(26, 60.5, "If yes, complete items 9, 9a, and 9d.", 4.5),
    Label(56, 39.2, "YES"),
    Label(56, 44.2, "NO"),
    Label(36, 53.2, "YES"),
    Label(36, 58.2, "NO"),
    Label(27, 24, "READ BACK OF FORM BEFORE COMPLETING & SIGNING THIS FORM.", 5.5, True),
    Label(29, 1.2, "SIGNED"),
    Label(29, 35.2, "DATE"),
    Label(29, 50.2, "SIGNED"),
    *_phone_labels(16, 15),
    *_phone_labels(16, 65),
    *_date_labels(32, 2, century=False),
    Label(32, 12.2, "QUAL."),
    Label(32, 30.2, "QUAL."),
    *_date_labels(32, 37, century=False),
    Label(32, 50.4, "FROM"),
    *_date_labels(32, 54, century=False),
    Label(32, 64.4, "TO"),
    *_date_labels(32, 68, century=False),
    Label(34, 50.4, "FROM"),
    *_date_labels(34, 54, century=False),
    Label(34, 64.4, "TO"),
    *_date_labels(34, 68, century=False),
    Label(37, 36.6, "ICD Ind."),
    *(
        Label(38 + n // 4, 1.4 + 13 * (n % 4), f"{letter}.")
        for n, letter in enumerate("ABCDEFGHIJKL")
    ),
    Label(42, 1.2, "From"),
    Label(42, 10.2, "To"),
    Label(42, 25.2, "CPT/HCPCS"),
    Label(42, 33.2, "MODIFIER"),
    *(Label(service_line(n)[1], 65.4, "NPI", 6) for n in range(1, SERVICE_LINES + 1)),
    *(Label(service_line(n)[1], -1.2, str(n), 9, True) for n in range(1, SERVICE_LINES + 1)),
    Label(55, 16.6, "SSN"),
    Label(55, 18.6, "EIN"),
    Label(56, 50.2, "$"),
    Label(56, 61.2, "$"),
    *_phone_labels(57, 66),
    Label(61, 1.2, "SIGNED"),
    Label(61, 11.0, "DATE"),
    Label(61, 22.2, "a."),
    Label(61, 34.6, "b."),
    Label(61, 50.2, "a."),
    Label(61, 61.6, "b."),
)

DIVIDERS: tuple[Divider, ...] = (
    *_date_dividers(31, 10),
    *_date_dividers(53, 20),
    *_date_dividers(2, 32),
    *_date_dividers(37, 32),
    *_date_dividers(54, 32),
    *_date_dividers(68, 32),
    *_date_dividers(54, 34),
    *_date_dividers(68, 34),
    Divider(41.5, 37, 37),
    Divider(43, 37, 37),
    Divider(61, 37, 38),
    Divider(61, 61, 61),
    Divider(34, 61, 61),
    Divider(63.5, 61, 61),
    Divider(67.5, 35, 36),
    *(
        divider
        for number in range(1, SERVICE_LINES + 1)
        for divider in (
            *_date_dividers(1, service_line(number)[1]),
            *_date_dividers(10, service_line(number)[1]),
            Divider(32, service_line(number)[1], service_line(number)[1]),
            Divider(35, service_line(number)[1], service_line(number)[1]),
            Divider(38, service_line(number)[1], service_line(number)[1]),
            Divider(41, service_line(number)[1], service_line(number)[1]),
            Divider(55.5, service_line(number)[1], service_line(number)[1]),
        )
    ),
    Divider(57.5, 56, 56),
    Divider(67.5, 56, 56),
)
