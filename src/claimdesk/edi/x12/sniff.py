"""Tell which transaction a transaction set is from its ST01 and its guide (ST03, else GS08).

Ingest and ``claimdesk x12 inspect`` both ask this one place: an 837 is professional or
institutional by its guide, a 277 an acknowledgment (277CA) or a claim status response.
"""

from __future__ import annotations

from enum import StrEnum

from claimdesk.edi.x12.envelope import TransactionSet, read_envelopes


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
    found = (sniff_transaction(t) for t in read_envelopes(text).transaction_sets)
    return frozenset(kind for kind in found if kind is not None)


def _bht06(transaction: TransactionSet) -> str:
    """BHT06 of the first BHT ahead of the first HL, the one the 277 reader takes."""
    for segment in transaction.segments:
        if segment.id == "HL":
            break
        if segment.id == "BHT":
            return segment.get(6)
    return ""
