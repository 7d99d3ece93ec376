"""The 271 and 277 readers against real files written by other projects (shared/x12-corpus)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from claimdesk.domain.money import Money
from claimdesk.edi.x12.errors import Severity
from claimdesk.edi.x271.read import FollowUpAction, PlanNetwork, read_271
from claimdesk.edi.x277.read import StatusCode, read_277

from .conftest import CorpusFile, corpus_index, read_text

pytestmark = pytest.mark.corpus

INDEX = corpus_index()

# Files whose upstream label says valid but which are not, with the findings that say why.
LABELLED_VALID_BUT_NOT = {
    "imsweb_x12_parser/277_5010/x12_277CA_accepted.txt": (
        "no STC at the billing provider level (2200C), which pyx12's 005010X214 map requires; "
        "pyx12 also refuses the claim's DTP*472 date 10010101 (the year 1001)",
        {"277.level_stc_missing"},
    ),
    "imsweb_x12_parser/277_5010/x12_277CA_rejected.txt": (
        "no STC at the billing provider level (2200C), which pyx12's 005010X214 map requires",
        {"277.level_stc_missing"},
    ),
    "imsweb_x12_parser/277_5010/x12_277_x212.txt": (
        "IEA02 842928883 does not match ISA13 000000001",
        {"envelope.iea_control_number"},
    ),
    "imsweb_x12_parser/x270_271/x271.txt": (
        "4010 interchange with a 5010 ST03: SE01 says 22 segments for 18, IEA02 000014420 does "
        "not match ISA13 000003438",
        {"envelope.se_count", "envelope.iea_control_number"},
    ),
    "node_x12/271.edi": (
        "the file ends after SE: no GE and no IEA",
        {"envelope.ge_missing", "envelope.iea_missing"},
    ),
    "tigershark/tests/271-dependent-benefits.txt": (
        "SE01 says 79 segments for 81, GE02 0931 is not GS06 410, IEA02 is not ISA13",
        {"envelope.se_count", "envelope.ge_control_number", "envelope.iea_control_number"},
    ),
    "tigershark/tests/271-related-entity.txt": (
        "SE01 says 77 segments for 62, and a 2120 loop holds N3/N4/PER without its NM1 "
        "(pyx12 reports the same N3)",
        {"envelope.se_count", "segment.unexpected"},
    ),
    "tigershark/tests/5010-271-example-1.txt": (
        "SE01 says 74 segments for 73",
        {"envelope.se_count"},
    ),
}


def _rows(transaction: str) -> list[CorpusFile]:
    seen: set[str] = set()
    rows = []
    for row in INDEX:
        if row.transaction == transaction and row.intent == "valid" and row.path not in seen:
            seen.add(row.path)
            rows.append(row)
    return rows


def _findings(kind: str, text: str) -> tuple[set[str], set[str]]:
    result = read_271(text) if kind == "271" else read_277(text)
    assert result.responses
    errors = {f.rule for f in result.findings if f.severity is Severity.ERROR}
    warnings = {f.rule for f in result.findings if f.severity is Severity.WARNING}
    return errors, warnings


def test_corpus_has_271_and_277_files(corpus: Path) -> None:
    assert len(_rows("271")) >= 5, corpus
    assert _rows("277CA")
    assert _rows("277")


@pytest.mark.parametrize("row", _rows("271") + _rows("277CA") + _rows("277"), ids=lambda r: r.path)
def test_labelled_valid_files_read(corpus: Path, row: CorpusFile) -> None:
    kind = "271" if row.transaction == "271" else "277"
    errors, warnings = _findings(kind, read_text(corpus, row.path))
    if row.path in LABELLED_VALID_BUT_NOT:
        reason, expected = LABELLED_VALID_BUT_NOT[row.path]
        assert expected <= errors | warnings, reason
        assert row.pyx12 != "PASS", f"pyx12 passes {row.path}; revisit: {reason}"
    else:
        assert errors == set()


def test_277ca_accepted_claim(corpus: Path) -> None:
    text = read_text(corpus, "imsweb_x12_parser/277_5010/x12_277CA_accepted.txt")
    (response,) = read_277(text).responses
    assert response.is_acknowledgment
    (claim,) = response.claims
    assert claim.accepted
    assert claim.patient_control_number == "5781"
    assert claim.payer_claim_number == "1107000000014420"
    assert claim.charge == Money("125")
    (receiver,) = response.receivers
    assert receiver.trace == "000000674"
    assert receiver.accepted_amount == Money("125")


def test_277ca_rejected_claim_with_pipe_component_separator(corpus: Path) -> None:
    text = read_text(corpus, "imsweb_x12_parser/277_5010/x12_277CA_rejected.txt")
    (claim,) = read_277(text).claims
    assert claim.rejected
    assert claim.codes == (StatusCode("A7", "562", "85"),)
    assert claim.bill_type == "731"
    assert claim.patient is not None
    assert claim.patient.id == "XX99999X"


def test_277_claim_status_reads_every_claim(corpus: Path) -> None:
    text = read_text(corpus, "imsweb_x12_parser/277_5010/x12_277_x212.txt")
    result = read_277(text)
    (response,) = result.responses
    assert not response.is_acknowledgment
    assert len(response.claims) == text.count("TRN*2*") > 1
    assert all(c.accepted for c in response.claims)
    first = response.claims[0]
    assert (first.patient_control_number, first.reference("EJ")) == ("0000001", "12345")
    assert first.statuses[0].message == "PAYER ACKNOWLEDGED RECEIPT OF THE CLAIM"


def test_271_rejections(corpus: Path) -> None:
    text = read_text(corpus, "tigershark/tests/271-example.txt")
    (member,) = read_271(text).members
    assert [(r.reason, r.follow_up) for r in member.rejections] == [
        ("72", FollowUpAction.CORRECT_AND_RESUBMIT),
        ("73", FollowUpAction.CORRECT_AND_RESUBMIT),
        ("73", FollowUpAction.CORRECT_AND_RESUBMIT),
        ("58", FollowUpAction.CORRECT_AND_RESUBMIT),
    ]
    text = read_text(corpus, "tigershark/tests/271-example-dependent-rejection.txt")
    (dependent,) = read_271(text).patients
    assert dependent.is_dependent
    assert [r.reason for r in dependent.rejections] == ["72"]
    assert dependent.is_active() is None


def test_5010_271_cost_share_and_messages(corpus: Path) -> None:
    text = read_text(corpus, "tigershark/tests/271-example-3.txt")
    (member,) = read_271(text).patients
    assert member.is_active(date(2016, 6, 1)) is True
    assert member.plan_description == "Open Access Elect Choice"
    share = member.cost_share("30", PlanNetwork.IN_NETWORK)
    assert (share.out_of_pocket, share.out_of_pocket_remaining) == (Money(2100), Money(2100))
    assert "INT MED AND RX" in share.messages
    emergency = member.cost_share("86", PlanNetwork.IN_NETWORK)
    assert emergency.coinsurance == 0
    assert "PLAN REQUIRES PRECERT" in member.messages


def test_medicare_271_with_related_payer(corpus: Path) -> None:
    text = read_text(corpus, "node_x12/271.edi")
    (member,) = read_271(text).patients
    assert member.is_active(date(2019, 12, 30)) is True
    other = next(b for b in member.benefits if b.related_entities)
    (entity,) = other.related_entities
    assert entity.name.last_or_organization == "SILVERSCRIPT INSURANCE COMPANY"
    assert (entity.city, entity.state) == ("Nashville", "TN")
    assert any(len(b.service_types) > 10 for b in member.benefits)
