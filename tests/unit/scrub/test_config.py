"""Payer configuration: TOML layers (defaults, payer kind, payer) and located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimdesk.codes.reference import load_config
from claimdesk.domain.payers import Payer, PayerKind
from claimdesk.scrub.config import ScrubConfigError, parse_config

MEDICARE = Payer("MCR01", "Medicare", PayerKind.MEDICARE, 365, 120)
SUMMIT = Payer("SHP01", "Summit", PayerKind.COMMERCIAL, 90, 180)


def test_payer_table_overrides_kind_overrides_defaults() -> None:
    config = parse_config(
        """
[defaults]
eligibility_max_age_days = 20
[kinds.commercial]
prior_auth_codes = ["20610"]
eligibility_max_age_days = 10
[payers.SHP01]
required_fields = ["referring_npi"]
prior_auth_pattern = "^PA[0-9]+$"
"""
    )
    summit = config.rules_for(SUMMIT)
    assert summit.eligibility_max_age_days == 10
    assert summit.prior_auth_codes == frozenset({"20610"})
    assert summit.required_fields == ("referring_npi",)
    assert summit.prior_auth_pattern == "^PA[0-9]+$"
    medicare = config.rules_for(MEDICARE)
    assert medicare.eligibility_max_age_days == 20
    assert medicare.prior_auth_codes == frozenset()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[payers.X]\ndisabled = 3\n", "cfg: payers.X: disabled must be a list of strings"),
        ("[defaults]\nfoo = 1\n", "cfg: defaults: unknown key 'foo'"),
        ("[kinds.medicare]\nrequired_fields = ['shoe_size']\n", "unknown field(s) shoe_size"),
        ("[payers.X]\nprior_auth_pattern = '('\n", "prior_auth_pattern is not a regular"),
        ("[payers.X]\neligibility_max_age_days = -1\n", "must be a whole number of days"),
        ("[rules]\n", "cfg: unknown table(s) rules"),
        ("[payers\n", "cfg: not TOML"),
    ],
)
def test_bad_configuration_is_reported_with_its_place(text: str, message: str) -> None:
    with pytest.raises(ScrubConfigError, match=re.escape(message)):
        parse_config(text, "cfg")


def test_packaged_configuration_and_data_home_override(tmp_path: Path) -> None:
    packaged = load_config()
    assert "99396" in packaged.rules_for(MEDICARE).noncovered_codes
    assert packaged.rules_for(SUMMIT).noncovered_codes == frozenset()
    (tmp_path / "scrub.toml").write_text(
        '[kinds.medicare]\ndisabled = ["COD017"]\n[payers.SHP01]\nprior_auth_codes = ["97110"]\n'
    )
    layered = load_config(tmp_path)
    medicare = layered.rules_for(MEDICARE)
    assert medicare.disabled == frozenset({"COD017"})
    assert "99396" in medicare.noncovered_codes  # the packaged key survives the override
    assert layered.rules_for(SUMMIT).prior_auth_codes == frozenset({"97110"})
