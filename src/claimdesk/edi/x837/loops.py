"""The loop layout of the 837P (005010X222A1) and 837I (005010X223A2) that the reader walks.

Loops that start with an NM1 are told apart by NM101 (the entity identifier code), and which
entity codes a position allows differs between the two guides. The other segments a loop may
hold are listed per loop; a segment outside that list is reported where it stands.
"""

from __future__ import annotations

# 2310 claim-level providers, by NM101.
PROFESSIONAL_2310 = {
    "DN": "2310A",
    "P3": "2310A",
    "82": "2310B",
    "77": "2310C",
    "DQ": "2310D",
    "PW": "2310E",
    "45": "2310F",
}
INSTITUTIONAL_2310 = {
    "71": "2310A",
    "72": "2310B",
    "ZZ": "2310C",
    "82": "2310D",
    "77": "2310E",
    "DN": "2310F",
}
# 2330C.. other payer providers, by NM101 (both guides, 2330A and 2330B apart).
OTHER_PAYER_PROVIDERS = {
    "IL": "2330A",
    "PR": "2330B",
    "DN": "2330C",
    "P3": "2330C",
    "71": "2330C",
    "72": "2330D",
    "82": "2330D",
    "ZZ": "2330E",
    "77": "2330E",
    "DQ": "2330F",
    "85": "2330G",
}
# 2420 line-level providers, by NM101.
PROFESSIONAL_2420 = {
    "82": "2420A",
    "QB": "2420B",
    "77": "2420C",
    "DQ": "2420D",
    "DK": "2420E",
    "DN": "2420F",
    "P3": "2420F",
    "PW": "2420G",
    "45": "2420H",
}
INSTITUTIONAL_2420 = {"72": "2420A", "ZZ": "2420B", "82": "2420C", "DN": "2420D"}

_PARTY = frozenset({"N3", "N4", "REF", "PER"})

# Segments each loop may hold besides the segments that start loops (HL, CLM, LX, NM1, SBR,
# SVD, LIN, LQ), from both guides.
ALLOWED: dict[str, frozenset[str]] = {
    "HEADER": frozenset({"BHT"}),
    "1000A": frozenset({"PER"}),
    "1000B": frozenset(),
    "2000A": frozenset({"PRV", "CUR"}),
    "2010AA": _PARTY,
    "2010AB": frozenset({"N3", "N4"}),
    "2010AC": frozenset({"N3", "N4", "REF"}),
    "2000B": frozenset({"SBR", "PAT"}),
    "2010BA": _PARTY | {"DMG"},
    "2010BB": frozenset({"N3", "N4", "REF"}),
    "2000C": frozenset({"PAT"}),
    "2010CA": _PARTY | {"DMG"},
    "2300": frozenset(
        {"DTP", "CL1", "PWK", "CN1", "AMT", "REF", "K3", "NTE", "CR1", "CR2", "CRC", "HI", "HCP"}
    ),
    "2310": _PARTY | {"PRV"},
    "2320": frozenset({"CAS", "AMT", "OI", "MIA", "MOA"}),
    "2330A": frozenset({"N3", "N4", "REF"}),
    "2330B": frozenset({"N3", "N4", "DTP", "REF"}),
    "2330": frozenset({"REF"}),
    "2400": frozenset(
        {"SV1", "SV2", "SV5", "PWK", "CR1", "CR3", "CRC", "DTP", "QTY", "MEA", "CN1", "REF"}
        | {"AMT", "K3", "NTE", "PS1", "HCP"}
    ),
    "2410": frozenset({"CTP", "REF"}),
    "2420": _PARTY | {"PRV"},
    "2430": frozenset({"CAS", "DTP", "AMT"}),
    "2440": frozenset({"FRM"}),
}

# Every segment id either guide uses inside ST..SE.
KNOWN = frozenset(
    {"ST", "SE", "HL", "CLM", "LX", "NM1", "SBR", "SVD", "LIN", "LQ"}.union(*ALLOWED.values())
)


def allowed_in(loop: str) -> frozenset[str]:
    """The non-starting segments of ``loop`` (2310B and 2310 share one list, and so on)."""
    found = ALLOWED.get(loop)
    if found is not None:
        return found
    return ALLOWED.get(loop[:4], frozenset())
