"""`claimdesk x12 inspect`: exit 0 clean, 1 with errors, 2 when not X12 at all."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.edi.x277.write import write_277ca
from claimdesk.edi.x837.write import write_837p

from .claim_builders import ENVELOPE, claim, claim_input
from .samples import balanced_835
from .test_write_277 import REJECTED_NPI, batch, decision

runner = CliRunner()


def _inspect(path: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(app, ["x12", "inspect", str(path), *extra])
    return result.exit_code, result.output


def test_clean_835_exits_zero_with_its_content(tmp_path: Path) -> None:
    path = tmp_path / "era.835"
    path.write_text(balanced_835())
    code, output = _inspect(path, "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["ok"] is True
    assert report["transaction_counts"] == {"835": 1}
    assert report["findings"] == []


def test_unbalanced_835_exits_one_and_names_the_segment(tmp_path: Path) -> None:
    text = balanced_835()
    bpr = next(s for s in text.split("~") if s.startswith("BPR"))
    elements = bpr.split("*")
    elements[2] = "99999.99"
    path = tmp_path / "bad.835"
    path.write_text(text.replace(bpr, "*".join(elements)))
    code, output = _inspect(path, "--json")
    assert code == 1, output
    findings = json.loads(output)["findings"]
    balance = [f for f in findings if f["rule"] == "835.balance.transaction"]
    assert len(balance) == 1
    assert balance[0]["location"]["segment_id"] == "BPR"
    assert balance[0]["location"]["element_position"] == 2


def test_binary_garbage_exits_two_with_a_located_reason(tmp_path: Path) -> None:
    path = tmp_path / "garbage.bin"
    path.write_bytes(bytes(range(256)) * 3)
    code, output = _inspect(path)
    assert code == 2
    assert "no ISA segment" in output


def test_missing_file_exits_two(tmp_path: Path) -> None:
    code, output = _inspect(tmp_path / "absent.835")
    assert code == 2
    assert "cannot read" in output


def test_837p_written_by_claimdesk_is_clean_and_summarized(tmp_path: Path) -> None:
    first = claim_input()
    second = claim_input(claim=claim("C-1002"))
    path = tmp_path / "batch.837"
    path.write_text(write_837p([first, second], ENVELOPE))
    code, output = _inspect(path, "--json")
    assert code == 0, output
    report = json.loads(output)
    (summary,) = report["transactions"]
    assert summary["transaction_set_id"] == "837"
    expected = first.claim.total_charge + second.claim.total_charge
    assert summary["detail"].startswith(f"2 claims, charges {expected}")


def test_277ca_rejection_is_counted(tmp_path: Path) -> None:
    path = tmp_path / "ack.277"
    path.write_text(
        write_277ca([batch(decision("C-1"), decision("C-2", statuses=REJECTED_NPI))], ENVELOPE)
    )
    code, output = _inspect(path, "--json")
    assert code == 0, output
    (summary,) = json.loads(output)["transactions"]
    assert summary["detail"] == "claim acknowledgment: 2 claims, 1 accepted, 1 rejected"


def test_270_inquiries_are_summarized(tmp_path: Path) -> None:
    from claimdesk.domain.coverage import Relationship
    from claimdesk.edi.x270.write import write_270

    from .test_read_270 import request

    requests = [
        request(1, service_types=("30", "98")),
        request(2, relationship=Relationship.CHILD, service_types=("UC",)),
    ]
    path = tmp_path / "inquiry.270"
    path.write_text(write_270(requests, ENVELOPE))
    code, output = _inspect(path, "--json")
    assert code == 0, output
    (summary,) = json.loads(output)["transactions"]
    assert (
        summary["detail"] == "2 eligibility inquiries (1 for dependents), service types 30, 98, UC"
    )


def test_276_is_summarized_and_a_missing_subscriber_name_exits_one(tmp_path: Path) -> None:
    from claimdesk.edi.x276.write import ClaimStatusRequest, write_276

    first = claim_input()
    second = claim_input(claim=claim("C-1002"))
    text = write_276([ClaimStatusRequest(first, "T1"), ClaimStatusRequest(second, "T2")], ENVELOPE)
    path = tmp_path / "status.276"
    path.write_text(text)
    code, output = _inspect(path, "--json")
    assert code == 0, output
    (summary,) = json.loads(output)["transactions"]
    charges = first.claim.total_charge + second.claim.total_charge
    assert summary["detail"] == f"2 claim status inquiries, charges {charges}"
    segments = text.split("~")
    segments.remove(next(s for s in segments if s.startswith("NM1*IL")))
    se = next(i for i, s in enumerate(segments) if s.startswith("SE*"))
    count = int(segments[se].split("*")[1])
    segments[se] = segments[se].replace(f"SE*{count}*", f"SE*{count - 1}*")
    path.write_text("~".join(segments))
    code, output = _inspect(path, "--json")
    assert code == 1, output
    (finding,) = json.loads(output)["findings"]
    assert finding["rule"] == "276.name_missing"
    assert finding["location"]["loop_id"] == "2000D"
