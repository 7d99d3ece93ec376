from __future__ import annotations

import pytest

from claimdesk.edi.x12.errors import X12Error
from claimdesk.edi.x12.sniff import Transaction, sniff

from .samples import REJECTED_999, balanced_835, interchange


def _one(set_id: str, guide: str, *segments: str) -> str:
    body = [f"ST*{set_id}*0001*{guide}" if guide else f"ST*{set_id}*0001", *segments]
    return interchange("".join(s + "~" for s in body) + f"SE*{len(body) + 1}*0001~")


@pytest.mark.parametrize(
    ("set_id", "guide", "bht06", "kind"),
    [
        ("837", "005010X222A1", "CH", Transaction.CLAIM_PROFESSIONAL),
        ("837", "005010X223A2", "CH", Transaction.CLAIM_INSTITUTIONAL),
        ("837", "005010X999", "CH", Transaction.CLAIM),
        ("270", "005010X279A1", "13", Transaction.ELIGIBILITY_INQUIRY),
        ("271", "005010X279A1", "11", Transaction.ELIGIBILITY_ANSWER),
        ("276", "005010X212", "13", Transaction.STATUS_INQUIRY),
        ("277", "005010X214", "DG", Transaction.CLAIM_ACKNOWLEDGMENT),
        ("277", "005010X212", "TH", Transaction.CLAIM_ACKNOWLEDGMENT),
        ("277", "005010X212", "DG", Transaction.CLAIM_STATUS),
        ("277", "005010X212", "", Transaction.CLAIM_STATUS),
        ("277", "005010X999", "DG", Transaction.CLAIM_STATUS),
        ("277", "005010X999", "", Transaction.RESPONSE_277),
    ],
)
def test_kind_from_st01_guide_and_bht06(set_id: str, guide: str, bht06: str, kind: str) -> None:
    assert sniff(_one(set_id, guide, f"BHT*0010*08*REF*20240115*1200*{bht06}")) == {kind}


def test_guide_from_gs08_when_st03_is_absent() -> None:
    # The sample GS08 is 005010X221A1, so an ST*837 without ST03 names neither 837 guide.
    assert sniff(_one("837", "")) == {Transaction.CLAIM}
    assert sniff(balanced_835()) == {Transaction.PAYMENT}


def test_999_and_unknown_sets() -> None:
    assert sniff(REJECTED_999) == {Transaction.IMPLEMENTATION_ACKNOWLEDGMENT}
    assert sniff(_one("850", "004010")) == frozenset()
    assert Transaction.CLAIM_INSTITUTIONAL.transaction_set_id == "837"


def test_not_x12_raises() -> None:
    with pytest.raises(X12Error):
        sniff("this is not X12")
