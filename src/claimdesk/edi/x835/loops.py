"""The loop layout of the 835 (005010X221A1) that the reader walks, as data.

The header (no loop) holds BPR, TRN, CUR, REF and DTM; an N1 opens 1000A (N101 PR, the payer)
or 1000B (the payee); LX opens 2000 (header number), CLP 2100 (claim payment), SVC 2110 (service
payment), and PLB is the summary. LX, CLP and PLB close the claim that is open.
"""

from __future__ import annotations

HEADER: str | None = None  # no loop: the segments between ST and the first N1
PAYER = "1000A"
PAYEE = "1000B"
HEADER_NUMBER = "2000"
CLAIM = "2100"
SERVICE = "2110"

# The segments that close the open claim, with the loop each opens (None: the PLB summary).
CLAIM_BOUNDARIES: dict[str, str | None] = {"LX": HEADER_NUMBER, "CLP": CLAIM, "PLB": None}
# N101 PR names the payer (1000A); any other entity is read as the payee (1000B).
PARTY_LOOPS = {"PR": PAYER}
# Where an N1 opens a party loop: in the header or right after the other party.
PARTY_OPENERS = frozenset({HEADER, PAYER, PAYEE})
CLAIM_LOOPS = frozenset({CLAIM, SERVICE})
PARTY_LOOP_IDS = frozenset({PAYER, PAYEE})
# TS3/TS2 provider summary information in 2000: informational, nothing is posted from it.
PROVIDER_SUMMARY = frozenset({"TS3", "TS2"})
# Segments 2110 has that 2100 has too: after a service line they belong to the line.
LINE_DETAIL = frozenset({"DTM", "REF", "AMT", "QTY", "CAS"})
# Every segment the 835 may contain; anything else is reported as not in the transaction set.
KNOWN = frozenset(
    {
        *("ST", "BPR", "TRN", "CUR", "REF", "DTM", "N1", "N2", "N3", "N4", "PER", "RDM", "LX"),
        *("TS3", "TS2", "CLP", "CAS", "NM1", "MIA", "MOA", "AMT", "QTY", "SVC", "LQ", "PLB", "SE"),
    }
)
