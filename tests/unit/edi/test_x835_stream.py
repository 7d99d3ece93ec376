"""iter_835 streams the same records and findings as read_835, from paths and file objects."""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path

import pytest

from claimdesk.edi.x12.errors import X12Error, X12Finding
from claimdesk.edi.x835.model import (
    ClaimPayment,
    Remittance,
    RemittanceHeader,
    RemittanceRecord,
    RemittanceTrailer,
    StreamFindings,
)
from claimdesk.edi.x835.read import iter_835, read_835

from .samples import BALANCED_835_SEGMENTS, REJECTED_999, balanced_835, interchange, transaction


def _rebuild(records: list[RemittanceRecord]) -> tuple[list[Remittance], list[X12Finding]]:
    """Put streamed records back together as read_835 returns them."""
    remittances: list[Remittance] = []
    findings: list[X12Finding] = []
    header: RemittanceHeader | None = None
    claims: list[ClaimPayment] = []
    assert isinstance(records[-1], StreamFindings)
    for record in records:
        if isinstance(record, RemittanceHeader):
            assert header is None
            assert not claims
            header = record
        elif isinstance(record, ClaimPayment):
            assert header is not None
            claims.append(record)
        elif isinstance(record, RemittanceTrailer):
            assert header is not None
            assert record.claim_count == len(claims)
            remittances.append(
                Remittance(
                    header.payment,
                    header.trace,
                    header.payer,
                    header.payee,
                    header.production_date,
                    header.references,
                    tuple(claims),
                    record.provider_adjustments,
                    header.control_number,
                    header.implementation,
                    header.interchange_index,
                    record.findings,
                )
            )
            findings.extend(record.findings)
            header, claims = None, []
        else:
            findings.extend(record.findings)
    return remittances, findings


def _metadata(r: Remittance) -> tuple[object, ...]:
    return (
        r.control_number,
        r.implementation,
        r.interchange_index,
        r.findings,
        tuple(c.position for c in r.claims),
        tuple(line.position for c in r.claims for line in c.service_lines),
        tuple(plb.position for plb in r.provider_adjustments),
    )


def _assert_streams_like_read(text: str, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr("claimdesk.edi.x835.read.CHUNK_SIZE", chunk)
    expected = read_835(text)
    remittances, findings = _rebuild(list(iter_835(io.StringIO(text, newline=""))))
    assert remittances == list(expected.remittances)
    # What was read from where takes no part in equality: compare it on its own.
    assert [_metadata(r) for r in remittances] == [_metadata(r) for r in expected.remittances]
    # The stream reports envelope findings as it meets them, so only the order may differ.
    assert Counter(findings) == Counter(expected.findings)


SAMPLES = {
    "balanced": balanced_835(),
    "line breaks": balanced_835().replace("~", "~\r\n"),
    "two transactions": interchange(
        transaction(BALANCED_835_SEGMENTS), transaction(BALANCED_835_SEGMENTS, control="0002")
    ),
    "two interchanges": balanced_835() + "\n" + balanced_835().replace("000000101", "000000102"),
    "unbalanced": interchange(
        transaction([s.replace("BPR*I*122.5", "BPR*I*122.6") for s in BALANCED_835_SEGMENTS])
    ),
    "bad segments": interchange(
        transaction(["bad*1", *BALANCED_835_SEGMENTS[:9], "CLP*X*1*ABC*0", "LQ*HE*N1"])
    ),
    "no SE and unterminated": balanced_835().split("SE*")[0] + "GE*1*7001~IEA*1*000000101",
    "not an 835": REJECTED_999,
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_streamed_samples_equal_read_835(
    name: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _assert_streams_like_read(SAMPLES[name], monkeypatch, chunk)


def _corpus_root() -> Path | None:
    """The shared X12 corpus, where the corpus tests look for it."""
    candidates = (
        Path(os.environ.get("CLAIMDESK_X12_CORPUS", "/nonexistent")),
        Path(__file__).resolve().parents[4] / "shared" / "x12-corpus",
        Path("/work/shared/x12-corpus"),
    )
    return next((p for p in candidates if (p / "INDEX.csv").is_file()), None)


def _corpus_835s() -> list[str]:
    root = _corpus_root()
    if root is None:
        return []
    with (root / "INDEX.csv").open(newline="", encoding="utf-8") as handle:
        return [row["file"] for row in csv.DictReader(handle) if "835" in row["transaction"]]


CORPUS_835 = _corpus_835s()


def test_the_corpus_has_835s() -> None:
    if not CORPUS_835:
        message = "the shared X12 corpus (shared/x12-corpus) is not present"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI=true requires it")
        pytest.skip(message)
    assert len(CORPUS_835) >= 5


@pytest.mark.parametrize("relative", CORPUS_835)
def test_streamed_corpus_835s_equal_read_835(
    relative: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _corpus_root()
    assert root is not None
    # As the corpus tests read them: odd bytes become replacement characters.
    text = (root / relative).read_bytes().decode("utf-8", errors="replace")
    try:
        read_835(text)
    except X12Error as error:
        refused = error.finding
    else:
        _assert_streams_like_read(text, monkeypatch, 64)
        return
    with pytest.raises(X12Error) as streamed:
        list(iter_835(io.StringIO(text, newline="")))
    assert streamed.value.finding == refused


def test_streams_from_a_path_and_from_bytes(tmp_path: Path) -> None:
    path = tmp_path / "remit.835"
    path.write_text(balanced_835(), encoding="ascii")
    from_path = list(iter_835(path))
    from_name = list(iter_835(str(path)))
    from_bytes = list(iter_835(io.BytesIO(balanced_835().encode("ascii"))))
    assert from_path == from_name == from_bytes
    kinds = [type(r).__name__ for r in from_path]
    assert kinds == [
        "RemittanceHeader",
        "ClaimPayment",
        "ClaimPayment",
        "ClaimPayment",
        "RemittanceTrailer",
        "StreamFindings",
    ]


def test_first_claim_arrives_before_the_input_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    text = interchange(transaction(BALANCED_835_SEGMENTS * 50))
    monkeypatch.setattr("claimdesk.edi.x835.read.CHUNK_SIZE", 256)
    handle = io.StringIO(text)
    records = iter_835(handle)
    first = next(r for r in records if isinstance(r, ClaimPayment))
    assert first.patient_control_number
    assert handle.tell() < len(text) // 4


def test_non_x12_input_is_refused() -> None:
    with pytest.raises(X12Error) as refused:
        list(iter_835(io.StringIO("hello, world")))
    assert refused.value.finding.rule == "tokenizer.no_isa"
    with pytest.raises(X12Error) as empty:
        list(iter_835(io.StringIO(" \n ")))
    assert empty.value.finding.rule == "tokenizer.empty"
