"""The billing company's fee, hand-computed for each fee model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimdesk.domain.fees import FeeModel, fee_for
from claimdesk.domain.money import Money

M = Money


@pytest.mark.parametrize(
    ("model", "collections", "claims", "lines", "fee"),
    [
        # 6.5% of 12,345.67 = 802.46855, rounded half up to the cent.
        (FeeModel(percent=Decimal("6.5")), "12345.67", 40, ["802.47"], "802.47"),
        (FeeModel(per_claim=M("4.25")), "12345.67", 40, ["170.00"], "170.00"),
        (FeeModel(flat=M("500.00")), "0.00", 0, ["500.00"], "500.00"),
        # 5% of 3,000.00 = 150.00 + 250.00 flat = 400.00, topped up to the 750.00 minimum.
        (
            FeeModel(percent=Decimal(5), flat=M("250.00"), minimum=M("750.00")),
            "3000.00",
            10,
            ["150.00", "250.00", "350.00"],
            "750.00",
        ),
        # Above the minimum, no top-up: 5% of 20,000.00 = 1,000.00.
        (FeeModel(percent=Decimal(5), minimum=M("750.00")), "20000.00", 10, ["1000.00"], "1000.00"),
        # More refunded than collected: no percentage is owed, the minimum still is.
        (
            FeeModel(percent=Decimal(5), minimum=M("100.00")),
            "-50.00",
            0,
            ["0.00", "100.00"],
            "100.00",
        ),
        (FeeModel(), "1000.00", 3, [], "0.00"),
    ],
)
def test_the_fee_by_model(
    model: FeeModel, collections: str, claims: int, lines: list[str], fee: str
) -> None:
    found = fee_for(model, collections=M(collections), claims=claims)
    assert [str(line.amount) for line in found.lines] == lines
    assert str(found.total) == fee


def test_the_model_comes_from_the_profile_settings() -> None:
    model = FeeModel.of({"fee.percent": "6.5", "fee.minimum": "750.00"})
    assert model == FeeModel(percent=Decimal("6.5"), minimum=M("750.00"))
    assert not FeeModel.of({}).is_set
