"""Code lists claimdesk ships: codes only (no CPT or X12 descriptions).

Modifiers: the CPT and HCPCS Level II modifiers a practice commonly bills; an imported HCPCS file
adds every modifier it lists. Places of service: the CMS Place of Service code set (public);
an imported place of service file replaces this list.
"""

from __future__ import annotations

_CPT_MODIFIERS = (
    "22 23 24 25 26 27 32 33 47 50 51 52 53 54 55 56 57 58 59 62 63 66 73 74 76 77 78 79 80 81 "
    "82 90 91 92 93 95 96 97 99"
)
_LEVEL_II_MODIFIERS = (
    "AI AS CR CS E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 FQ FR FS FT GA GC GE GN GO GP GQ GT "
    "GX GY GZ JW JZ KX LC LD LM LT Q5 Q6 QK QW QX QY QZ RC RI RT SA SB TA T1 T2 T3 T4 T5 T6 "
    "T7 T8 T9 TC XE XP XS XU"
)
MODIFIERS = frozenset(_CPT_MODIFIERS.split()) | frozenset(_LEVEL_II_MODIFIERS.split())

PLACES_OF_SERVICE = frozenset(
    [
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "09",
        "10",
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "31",
        "32",
        "33",
        "34",
        "41",
        "42",
        "49",
        "50",
        "51",
        "52",
        "53",
        "54",
        "55",
        "56",
        "57",
        "58",
        "60",
        "61",
        "62",
        "65",
        "66",
        "71",
        "72",
        "81",
        "99",
    ]
)
