"""``python -m bench.fuzz [FILES] [SEED]``: mutated X12 files through the real ``claimdesk``.

A practice of 200 submitted claims is stored in a fresh data home (SQLite). Forty 835s that pay
those claims (five each), a 999, a 997 and a 277CA are the seeds; each of FILES (default 2,000)
mutated files takes one to four mutations of the kinds the red team of issue 14 used
(truncation, deleted, repeated and swapped segments, a repeated claim loop or transaction, a
5,000-digit number, wrong delimiters, other versions and transaction sets, bytes that are not
UTF-8...). Every file goes through

- ``claimdesk x12 inspect FILE --json`` (in this process, the command's own code; each file under
  a 30 s alarm), and
- ``claimdesk ingest`` of the inbox, 50 files at a time, each run a real process with a time
  bound of 30 s per file.

It prints, and exits 1 unless each is 0: tracebacks, hangs over 30 s, files left in the inbox,
an out-of-balance ledger (``claimdesk books verify``), and duplicated postings (one claim answer,
CLP01 + CLP02 + CLP07, posted twice under one trace number) or claims paid more than their
charge over again. Takes a few minutes; nothing outside a temporary folder is touched.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from typer.testing import CliRunner

from bench.posting import remittance_file, seed
from claimdesk.cli import app
from claimdesk.config import Settings
from claimdesk.services.database import units_of_work
from claimdesk.services.setup import set_up

CLAIMS = 200
PER_FILE = 5
BATCH = 50
HANG = 30  # seconds: the bound for any one file
CLAIMDESK = str(Path(sys.executable).parent / "claimdesk")
ISA = (
    "ISA*00*          *00*          *ZZ*ACME           *ZZ*RIVERBEND      "
    "*240315*0800*^*00501*{control:09d}*0*P*:~"
)


def _acknowledgment(set_id: str, control: int) -> str:
    inner = "IK" if set_id == "999" else "AK"
    guide = "005010X231A1" if set_id == "999" else "005010"
    body = [
        f"ST*{set_id}*0001*{guide}" if set_id == "999" else "ST*997*0001",
        "AK1*HC*1*005010X222A1",
        "AK2*837*0001*005010X222A1",
        f"{inner}3*NM1*12*2010*8",
        f"{inner}4*9*67*7*ZZ",
        f"{inner}5*R*5",
        "AK2*837*0002*005010X222A1",
        f"{inner}5*A",
        "AK9*P*2*2*1",
    ]
    return (
        ISA.format(control=control)
        + f"GS*FA*ACME*RIVERBEND*20240315*0800*{control}*X*{guide}~"
        + "".join(s + "~" for s in body)
        + f"SE*{len(body) + 1}*0001~GE*1*{control}~IEA*1*{control:09d}~"
    )


def _277ca(control: int) -> str:
    body = [
        "ST*277*0001*005010X214",
        "BHT*0085*08*ACK1*20240315*0800*TH",
        "HL*1**20*1",
        "NM1*PR*2*ACME*****PI*ACME",
        "TRN*1*ACK1",
        "DTP*050*D8*20240315",
        "DTP*009*D8*20240315",
        "HL*2*1*21*1",
        "NM1*41*2*RIVERBEND*****46*RB1",
        "TRN*2*BATCH1",
        "STC*A1:19:PR*20240315*WQ*300",
        "HL*3*2*19*1",
        "NM1*85*2*RIVERBEND*****XX*1234567893",
        "TRN*1*1234567893",
        "STC*A7:562:85**U*300",
        "HL*4*3*PT",
        "NM1*QC*1*DOE*PAT****MI*M00000001",
        "TRN*2*C1",
        "STC*A2:20*20240315*WQ*150",
        "DTP*472*D8*20240210",
        "HL*5*3*PT",
        "NM1*QC*1*DOE*PAT****MI*M00000002",
        "TRN*2*C2",
        "STC*A2:20*20240315*WQ*150",
        "DTP*472*D8*20240210",
    ]
    return (
        ISA.format(control=control)
        + f"GS*HN*ACME*RIVERBEND*20240315*0800*{control}*X*005010X214~"
        + "".join(s + "~" for s in body)
        + f"SE*{len(body) + 1}*0001~GE*1*{control}~IEA*1*{control:09d}~"
    )


def seeds() -> list[str]:
    payments = [
        remittance_file(
            range(start, start + PER_FILE), trace=f"T{start}", control=start + 1
        ).decode()
        for start in range(0, CLAIMS, PER_FILE)
    ]
    return [*payments, _acknowledgment("999", 9001), _acknowledgment("997", 9002), _277ca(9003)]


def _segments(text: str) -> list[str]:
    return text.split("~")


def _claim_loops(segments: list[str]) -> list[tuple[int, int]]:
    starts = [i for i, s in enumerate(segments) if s.startswith("CLP*")]
    ends = [
        next(
            (j for j in range(i + 1, len(segments)) if segments[j][:3] in ("CLP", "PLB", "SE*")),
            len(segments),
        )
        for i in starts
    ]
    return list(zip(starts, ends, strict=True))


def _mutate(rng: random.Random, text: str, others: list[str]) -> str | bytes:
    kind = rng.choice(_KINDS)
    return kind(rng, text, others)


def _truncate(rng: random.Random, text: str, _others: list[str]) -> str:
    return text[: rng.randrange(len(text) + 1)]


def _drop_segment(rng: random.Random, text: str, _others: list[str]) -> str:
    segments = _segments(text)
    del segments[rng.randrange(len(segments))]
    return "~".join(segments)


def _repeat_segment(rng: random.Random, text: str, _others: list[str]) -> str:
    segments = _segments(text)
    i = rng.randrange(len(segments))
    segments.insert(i, segments[i])
    return "~".join(segments)


def _swap_segments(rng: random.Random, text: str, _others: list[str]) -> str:
    segments = _segments(text)
    i, j = rng.randrange(len(segments)), rng.randrange(len(segments))
    segments[i], segments[j] = segments[j], segments[i]
    return "~".join(segments)


def _repeat_claim(rng: random.Random, text: str, _others: list[str]) -> str:
    segments = _segments(text)
    loops = _claim_loops(segments)
    if not loops:
        return _repeat_segment(rng, text, _others)
    start, end = rng.choice(loops)
    at = rng.choice([s for s, _ in loops] + [end])
    return "~".join(segments[:at] + segments[start:end] + segments[at:])


def _repeat_transaction(rng: random.Random, text: str, _others: list[str]) -> str:
    st, se = text.find("ST*"), text.find("GE*")
    if st < 0 or se < 0:
        return text + text
    return text[:se] + text[st:se] + text[se:]


def _huge_number(rng: random.Random, text: str, _others: list[str]) -> str:
    segments = _segments(text)
    i = rng.randrange(len(segments))
    elements = segments[i].split("*")
    if len(elements) > 1:
        elements[rng.randrange(1, len(elements))] = "9" * rng.choice((19, 400, 5000))
    segments[i] = "*".join(elements)
    return "~".join(segments)


def _character(rng: random.Random, text: str, _others: list[str]) -> str:
    if not text:
        return "~"
    i = rng.randrange(len(text))
    char = rng.choice("*:^~\r\n- .0123456789" + chr(rng.randrange(0x20, 0x3000)))
    return text[:i] + char + text[i + 1 :]


def _digit(rng: random.Random, text: str, _others: list[str]) -> str:
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    if not digits:
        return text
    i = rng.choice(digits)
    return text[:i] + str(rng.randrange(10)) + text[i + 1 :]


def _version(rng: random.Random, text: str, _others: list[str]) -> str:
    old, new = rng.choice(
        [
            ("005010X221A1", "004010X091A1"),
            ("005010X221A1", "006020X313"),
            ("ST*835", "ST*837"),
            ("005010X221A1", "005010X224A2"),
            ("GS*HP", "GS*HC"),
            ("ST*835", "ST*275"),
            ("005010X231A1", "004010X231"),
            ("ST*277", "ST*276"),
        ]
    )
    return text.replace(old, new, rng.choice((1, -1)))


def _splice(rng: random.Random, text: str, others: list[str]) -> str:
    other = rng.choice(others)
    return text[: rng.randrange(len(text) + 1)] + other[rng.randrange(len(other) + 1) :]


def _layout(rng: random.Random, text: str, _others: list[str]) -> str:
    return rng.choice(("\ufeff", "  \r\n", "garbage before ")) + text.replace(
        "~", rng.choice(("~\n", "~\r\n", "\n~"))
    )


def _not_utf8(rng: random.Random, text: str, _others: list[str]) -> bytes:
    data = bytearray(text.encode())
    for _ in range(rng.randint(1, 5)):
        data[rng.randrange(len(data) or 1) if data else 0 : 0] = bytes([rng.randrange(0x80, 256)])
    return bytes(data)


_KINDS: tuple[Callable[[random.Random, str, list[str]], str | bytes], ...] = (
    _truncate,
    _drop_segment,
    _repeat_segment,
    _swap_segments,
    _repeat_claim,
    _repeat_claim,
    _repeat_transaction,
    _huge_number,
    _character,
    _digit,
    _version,
    _splice,
    _layout,
    _not_utf8,
)


def mutated(rng: random.Random, bases: list[str]) -> bytes:
    data: str | bytes = rng.choice(bases)
    for _ in range(rng.randint(1, 4)):
        if isinstance(data, bytes):
            break
        data = _mutate(rng, data, bases)
    return data if isinstance(data, bytes) else data.encode()


class _HangError(Exception):
    """A file took longer than ``HANG`` seconds."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _HangError


@contextmanager
def _bounded(seconds: int) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _inspect(files: list[Path], home: Path) -> tuple[int, int, float]:
    """Tracebacks, hangs and the longest time of ``x12 inspect`` over ``files``."""
    runner = CliRunner()
    tracebacks = hangs = 0
    longest = 0.0
    for path in files:
        started = time.perf_counter()
        try:
            with _bounded(HANG):
                result = runner.invoke(
                    app, ["--home", str(home), "--as", "fuzz", "x12", "inspect", str(path)]
                )
        except _HangError:
            hangs += 1
            print(f"  hang: x12 inspect {path.name}")
            continue
        longest = max(longest, time.perf_counter() - started)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            tracebacks += 1
            print(f"  traceback: x12 inspect {path.name}: {type(result.exception).__name__}")
    return tracebacks, hangs, longest


def _ingest(files: list[Path], home: Path) -> tuple[int, int, float]:
    """Tracebacks and hangs of ``claimdesk ingest``, 50 files a run; the longest run."""
    env = {**os.environ, "CLAIMDESK_HOME": str(home), "CLAIMDESK_USER": "fuzz"}
    tracebacks = hangs = 0
    longest = 0.0
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        for path in batch:
            (home / "inbox" / path.name).write_bytes(path.read_bytes())
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [CLAIMDESK, "ingest", "--json"],
                env=env,
                capture_output=True,
                timeout=HANG * len(batch),
                check=False,
            )
        except subprocess.TimeoutExpired:
            hangs += 1
            print(f"  hang: ingest of files {start}..{start + len(batch) - 1}")
            continue
        longest = max(longest, time.perf_counter() - started)
        if done.returncode not in (0, 1) or b"Traceback" in done.stderr:
            tracebacks += 1
            print(f"  traceback: ingest of files {start}..: {done.stderr.decode()[-600:]}")
        else:
            json.loads(done.stdout)  # the report is whole
    return tracebacks, hangs, longest


def _postings(database: Path) -> tuple[int, int]:
    """Claim answers posted twice under one trace, and claims paid more than their charge
    over again (the red team's $195 claim at -$1.76M)."""
    with sqlite3.connect(database) as db:
        twice = db.execute(
            "SELECT count(*) FROM (SELECT cp.claim_id FROM claim_payments cp "
            "JOIN remittances r ON r.remittance_id = cp.remittance_id "
            "WHERE cp.status IN ('posted', 'reversed') AND cp.clp_status != '22' "
            "GROUP BY cp.claim_id, r.payer_key, r.payee_key, "
            "CASE WHEN instr(r.trace_number, '#') > 0 "
            "THEN substr(r.trace_number, 1, instr(r.trace_number, '#') - 1) "
            "ELSE r.trace_number END, cp.clp_status, cp.payer_claim_number "
            "HAVING count(*) > 1)"
        ).fetchone()[0]
        overpaid = db.execute(
            "SELECT count(*) FROM (SELECT claim_id, sum(paid) AS paid, max(charge) AS charge "
            "FROM claim_payments WHERE status IN ('posted', 'reversed') GROUP BY claim_id) "
            "WHERE abs(paid) > 2 * charge"
        ).fetchone()[0]
    return twice, overpaid


def run(count: int = 2000, seed_value: int = 14) -> int:
    rng = random.Random(seed_value)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        home = root / "home"
        settings = Settings(home=home)
        set_up(settings)
        with units_of_work(settings) as uow_factory, uow_factory() as uow:
            seed(uow, CLAIMS)
            uow.commit()
        env = {**os.environ, "CLAIMDESK_HOME": str(home)}
        subprocess.run(
            [CLAIMDESK, "--as", "fuzz", "users", "add", "fuzz", "--role", "admin"],
            env=env,
            check=True,
            capture_output=True,
        )
        bases = seeds()
        corpus = root / "corpus"
        corpus.mkdir()
        suffixes = (".835", ".999", ".277", ".txt")
        files = []
        for n in range(count):
            path = corpus / f"f{n:05d}{rng.choice(suffixes)}"
            path.write_bytes(mutated(rng, bases))
            files.append(path)
        print(f"fuzz: {count:,} mutated files (seed {seed_value}) from {len(bases)} seeds")
        started = time.perf_counter()
        inspect_tracebacks, inspect_hangs, inspect_longest = _inspect(files, home)
        print(
            f"  x12 inspect: {inspect_tracebacks} tracebacks, {inspect_hangs} hangs, longest "
            f"{inspect_longest:.2f} s ({time.perf_counter() - started:.0f} s in all)"
        )
        started = time.perf_counter()
        ingest_tracebacks, ingest_hangs, ingest_longest = _ingest(files, home)
        left = [p for p in (home / "inbox").rglob("*") if p.is_file()]
        print(
            f"  ingest: {ingest_tracebacks} tracebacks, {ingest_hangs} hangs, longest run of "
            f"{BATCH} files {ingest_longest:.1f} s, {len(left)} files left in the inbox "
            f"({time.perf_counter() - started:.0f} s in all)"
        )
        verify = subprocess.run(
            [CLAIMDESK, "--as", "fuzz", "books", "verify"], env=env, capture_output=True
        )
        twice, overpaid = _postings(home / "claimdesk.db")
        held = len(list((home / "archive" / "held").glob("*")))
        archived = len([p for p in (home / "archive").iterdir() if p.is_file()])
        print(
            f"  books verify: exit {verify.returncode}; claim answers posted twice: {twice}; "
            f"claims paid over twice their charge: {overpaid}; archived {archived}, held {held}"
        )
        failures = (
            inspect_tracebacks
            + inspect_hangs
            + ingest_tracebacks
            + ingest_hangs
            + len(left)
            + twice
            + overpaid
            + (verify.returncode != 0)
        )
        print("fuzz: PASS" if failures == 0 else f"fuzz: FAIL ({failures})")
        return 0 if failures == 0 else 1


if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(
        run(
            int(arguments[0]) if arguments else 2000,
            int(arguments[1]) if len(arguments) > 1 else 14,
        )
    )
