"""Claim status on SQLite and PostgreSQL: chasing unanswered claims writes a 276 per payer that
reads back clean, and a 277 answer (through ``claimdesk ingest``) is logged on each claim and
closes the no-response item when the payer has the claim, or keeps it open when it has not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from remit_practice import NOW, file_of, paid_claim, remittance, seed
from tier1_practice import PARTNERS
from typer.testing import CliRunner

from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.denials.table import shipped_table
from claimdesk.domain.money import Money
from claimdesk.domain.work import Outcome, WorkStatus
from claimdesk.edi.x276.read import read_276
from claimdesk.edi.x277.read import read_277
from claimdesk.routing.policy import shipped_policy
from claimdesk.services.claim_status import ingest_claim_status, is_claim_status
from claimdesk.services.database import units_of_work
from claimdesk.services.post_remittance import post_bytes
from claimdesk.services.setup import set_up
from claimdesk.services.tier2 import chase
from claimdesk.store.uow import UnitOfWork

Factory = Callable[[], UnitOfWork]
TRACE_C2, TRACE_C3 = "C2-20240320", "C3-20240320"


def status_277(*claims: tuple[str, str, str]) -> str:
    """A 277 claim status response (005010X212): per claim its TRN02, STC01 and REF*1K."""
    body = [
        "ST*277*0001*005010X212",
        "BHT*0010*08*ST0001*20240325*1015*DG",
        "HL*1**20*1",
        "NM1*PR*2*ACME HEALTH*****PI*ACME",
        "PER*IC*CLAIMS*TE*8005551212",
        "HL*2*1*21*1",
        "NM1*41*2*SPRINGFIELD CLINIC*****46*RFMG001",
        "HL*3*2*19*1",
        "NM1*1P*2*SPRINGFIELD CLINIC*****XX*9876543213",
    ]
    for n, (trace, stc, number) in enumerate(claims):
        body += [
            f"HL*{4 + n}*3*22*0",
            "NM1*IL*1*DOE*JANE****MI*A12345678",
            f"TRN*2*{trace}",
            f"STC*{stc}*20240324**190",
        ]
        if number:
            body.append(f"REF*1K*{number}")
        body.append("DTP*472*D8*20240210")
    body.append(f"SE*{len(body) + 1}*0001")
    return (
        "ISA*00*          *00*          *ZZ*ACME           *ZZ*RFMG001        "
        "*240325*1015*^*00501*000000901*0*T*:~GS*HN*ACME*RFMG001*20240325*1015*901*X*005010X212~"
        + "".join(s + "~" for s in body)
        + "GE*1*901~IEA*1*000000901~"
    )


def chased(uow_factory: Factory, outbox: Path) -> list[Path]:
    seed(uow_factory)
    post_bytes(
        uow_factory,
        file_of(remittance("T1", paid_claim("C1"))),
        name="x",
        now=NOW,
        by="p",
        table=shipped_table(),
        policy=shipped_policy(),
    )
    done = chase(uow_factory, now=NOW, outbox=outbox, partners=PARTNERS, policy=shipped_policy())
    assert done.waiting == ["C2", "C3"]
    assert done.inquiries is not None
    assert done.inquiries.asked == ["C2", "C3"]
    assert done.inquiries.refused == {}
    return done.inquiries.files


def test_chasing_writes_one_276_per_payer_that_reads_back_clean(
    uow_factory: Factory, tmp_path: Path
) -> None:
    files = chased(uow_factory, tmp_path)
    assert [f.name for f in files] == [f.name for f in sorted(tmp_path.glob("276-ACME-*.x12"))]
    (inquiry,) = files
    text = inquiry.read_text()
    # pyx12 has no 5010 276 map; the 276 reader checks the envelope, hierarchy and segments.
    read = read_276(text)
    assert read.findings == ()
    assert [(i.trace_number, i.reference("EJ"), i.charge) for i in read.inquiries] == [
        (TRACE_C2, "C2", Money("190.00")),
        (TRACE_C3, "C3", Money("190.00")),
    ]
    assert [i.dependent is not None for i in read.inquiries] == [True, True]  # P1 is a child
    assert f"TRN*1*{TRACE_C2}~" in text
    assert f"TRN*1*{TRACE_C3}~" in text
    assert "REF*EJ*C2~" in text
    assert "AMT*T3*190~" in text
    with uow_factory() as uow:
        log = uow.follow_ups.of_claim("C2")
    assert [(f.channel, f.reference) for f in log] == [("276", TRACE_C2)]
    assert inquiry.name in log[0].notes
    # Chased once: the next run opens nothing and asks nothing again.
    again = chase(uow_factory, now=NOW, outbox=tmp_path, partners=PARTNERS, policy=shipped_policy())
    assert again.inquiries is not None
    assert again.inquiries.files == []


def test_a_277_answer_is_logged_and_settles_the_no_response_item(
    uow_factory: Factory, tmp_path: Path
) -> None:
    chased(uow_factory, tmp_path)
    with uow_factory() as uow:
        waiting_c2 = uow.work_items.active_for("C2", "no_response")
    assert waiting_c2 is not None
    answer = status_277(
        (TRACE_C2, "P1:20", "PCN-C2"),  # pending: the payer has it
        (TRACE_C3, "A4:35", ""),  # not found: still no answer
        ("C9-20240320", "A4:35", ""),  # no such claim of ours
    )
    assert read_277(answer).findings == ()
    assert is_claim_status(answer)
    report = ingest_claim_status(
        uow_factory, answer, name="status.277", now=NOW, policy=shipped_policy()
    )
    assert report.unmatched == ["C9-20240320"]
    assert [(a.claim_id, a.status, a.items_opened, a.items_closed) for a in report.answers] == [
        ("C2", "P1:20", 0, 1),
        ("C3", "A4:35", 0, 0),
    ]
    with uow_factory() as uow:
        item = uow.work_items.get(waiting_c2.item_id or 0)
        still = uow.work_items.active_for("C3", "no_response")
        c2_log = uow.follow_ups.of_claim("C2")
        c3_log = uow.follow_ups.of_claim("C3")
    assert item is not None
    assert (item.status, item.outcome) == (WorkStatus.DONE, Outcome.PROBLEM_SOLVED)
    assert still is not None
    assert [f.channel for f in c2_log] == ["276", "277"]
    assert c2_log[-1].notes.startswith("277 in status.277: P1:20")
    assert c2_log[-1].next_follow_up is not None  # pending: ask again later
    assert c3_log[-1].next_follow_up is None
    # The same file again changes nothing.
    again = ingest_claim_status(
        uow_factory, answer, name="status.277", now=NOW, policy=shipped_policy()
    )
    assert again.already_ingested
    with uow_factory() as uow:
        assert len(uow.follow_ups.of_claim("C2")) == 2


def test_a_277_for_a_claim_never_chased_opens_its_no_response_item(
    uow_factory: Factory,
) -> None:
    seed(uow_factory)
    report = ingest_claim_status(
        uow_factory, status_277(("C1", "A4:35", "")), name="s.277", now=NOW, policy=shipped_policy()
    )
    assert [(a.claim_id, a.items_opened) for a in report.answers] == [("C1", 1)]
    with uow_factory() as uow:
        item = uow.work_items.active_for("C1", "no_response")
    assert item is not None
    assert "A4:35" in item.summary


def test_ingest_routes_a_277_claim_status_from_the_inbox(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home)
    set_up(settings)
    with units_of_work(settings) as uow_factory:
        seed(uow_factory)
    (home / "inbox" / "status.277").write_text(status_277(("C2", "F1:65", "PCN-C2")))
    runner, clerk = CliRunner(), {"CLAIMDESK_USER": "clerk"}
    assert runner.invoke(app, ["--home", str(home), "init"], env=clerk).exit_code == 0
    result = runner.invoke(app, ["--home", str(home), "ingest", "--json"], env=clerk)
    assert result.exit_code == 0, result.output
    (answered,) = json.loads(result.output)["acknowledgments"]
    assert answered["kind"] == "277"
    assert [a["claim_id"] for a in answered["answers"]] == ["C2"]
    assert [p.name for p in (home / "archive").iterdir()] == ["status.277"]
