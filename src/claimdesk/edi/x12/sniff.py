"""Tell which transaction a transaction set is from its ST01 and its guide (ST03, else GS08).

Ingest and ``claimdesk x12 inspect`` both ask this one place: an 837 is professional or
institutional by its guide, a 277 an acknowledgment (277CA) or a claim status response.
"""

from __future__ import annotations

from enum import StrEnum

from claimdesk.edi.x12.codes import TransactionSetError
from claimdesk.edi.x12.envelope import Envelopes, TransactionSet, read_envelopes
from claimdesk.edi.x12.errors import X12Finding


class Transaction(StrEnum):
    PAYMENT = "835"
    CLAIM_PROFESSIONAL = "837P"
    CLAIM_INSTITUTIONAL = "837I"
    CLAIM = "837"  # an 837 whose guide is neither 005010X222A1 nor 005010X223A2
    ELIGIBILITY_INQUIRY = "270"
    ELIGIBILITY_ANSWER = "271"
    STATUS_INQUIRY = "276"
    CLAIM_ACKNOWLEDGMENT = "277CA"
    CLAIM_STATUS = "277 status"
    RESPONSE_277 = "277"  # a 277 that names neither guide nor BHT06 TH/DG
    IMPLEMENTATION_ACKNOWLEDGMENT = "999"
    FUNCTIONAL_ACKNOWLEDGMENT = "997"  # the older acknowledgment some partners still send

    @property
    def transaction_set_id(self) -> str:
        """ST01 of the transaction, e.g. 837 for both 837P and 837I."""
        return self.value[:3]


# ST01 and the guide (ST03 or GS08) that tell a kind apart within one ST01.
_BY_GUIDE = {
    ("837", "005010X222A1"): Transaction.CLAIM_PROFESSIONAL,
    ("837", "005010X223A2"): Transaction.CLAIM_INSTITUTIONAL,
    ("277", "005010X214"): Transaction.CLAIM_ACKNOWLEDGMENT,
    ("277", "005010X212"): Transaction.CLAIM_STATUS,
}
# The kind of each ST01 whose guide does not decide it.
_BY_ID = {
    "835": Transaction.PAYMENT,
    "837": Transaction.CLAIM,
    "270": Transaction.ELIGIBILITY_INQUIRY,
    "271": Transaction.ELIGIBILITY_ANSWER,
    "276": Transaction.STATUS_INQUIRY,
    "277": Transaction.RESPONSE_277,
    "999": Transaction.IMPLEMENTATION_ACKNOWLEDGMENT,
    "997": Transaction.FUNCTIONAL_ACKNOWLEDGMENT,
}
# Guides of a supported ST01 that claimdesk does not read, by what they are.
_UNSUPPORTED_GUIDES = {
    "005010X224A2": "837 dental",
    "005010X224A3": "837 dental",
    "005010X224A1": "837 dental",
    "005010X225A1": "837 ncpdp",
}
# Transaction sets claimdesk does not read, named for the finding.
_UNSUPPORTED_SETS = {
    "275": "275 patient information",
    "278": "278 services review",
    "834": "834 benefit enrollment",
    "820": "820 premium payment",
    "269": "269 benefit coordination",
}
# BHT06 of a 277: TH receipt acknowledgment (277CA), DG response (claim status).
_BY_BHT06 = {"TH": Transaction.CLAIM_ACKNOWLEDGMENT, "DG": Transaction.CLAIM_STATUS}


def sniff_transaction(transaction: TransactionSet) -> Transaction | None:
    """The kind of ``transaction``; None when claimdesk knows no such ST01."""
    set_id = transaction.transaction_set_id
    if set_id == "277":
        # The 277CA guide wins over BHT06, and BHT06 TH over the claim status guide, as the
        # 277 reader's own acknowledgment test does.
        if transaction.implementation == "005010X214":
            return Transaction.CLAIM_ACKNOWLEDGMENT
        by_bht06 = _BY_BHT06.get(_bht06(transaction))
        if by_bht06 is not None:
            return by_bht06
    kind = _BY_GUIDE.get((set_id, transaction.implementation))
    return kind if kind is not None else _BY_ID.get(set_id)


def sniff(text: str) -> frozenset[Transaction]:
    """Every kind of transaction in ``text``; raises X12Error when ``text`` is not X12."""
    return sniff_envelopes(read_envelopes(text))


def sniff_envelopes(envelopes: Envelopes) -> frozenset[Transaction]:
    """:func:`sniff` of envelopes read already."""
    found = (sniff_transaction(t) for t in envelopes.transaction_sets)
    return frozenset(kind for kind in found if kind is not None)


def unsupported(transaction: TransactionSet) -> str | None:
    """Why claimdesk refuses to read ``transaction``, as one line; None when it reads it.

    claimdesk reads the 5010 guides only (HIPAA 45 CFR 162.1102 names version 5010): a 4010 or
    6020 file is refused rather than read as if it were 5010, and so is a transaction set or
    guide with no reader here (an 837 dental is not an 837 professional)."""
    set_id = transaction.transaction_set_id
    guide = transaction.implementation
    if set_id not in _BY_ID:
        what = _UNSUPPORTED_SETS.get(set_id, f"transaction set {set_id[:6]}")
        return f"unsupported: {what} ({guide[:20]})" if guide else f"unsupported: {what}"
    named = _UNSUPPORTED_GUIDES.get(guide)
    if named is not None:
        return f"unsupported: {named} ({guide})"
    if guide and not guide.startswith("00501"):
        return f"unsupported: {set_id} version {guide[:20]} (claimdesk reads 5010 only)"
    return None


def _bht06(transaction: TransactionSet) -> str:
    """BHT06 of the first BHT ahead of the first HL, the one the 277 reader takes."""
    for segment in transaction.segments:
        if segment.id == "HL":
            break
        if segment.id == "BHT":
            return segment.get(6)
    return ""


def refused(transaction: TransactionSet, reason: str) -> X12Finding:
    """The one finding of a transaction set claimdesk does not read (:func:`unsupported`)."""
    return X12Finding(
        "x12.unsupported",
        reason,
        transaction.location(transaction.segments[0], element_position=1),
        TransactionSetError.NOT_SUPPORTED,
    )


def refusals(envelopes: Envelopes) -> list[X12Finding]:
    """The findings of every transaction set in ``envelopes`` that claimdesk does not read."""
    return [
        refused(t, reason)
        for t in envelopes.transaction_sets
        if (reason := unsupported(t)) is not None
    ]
