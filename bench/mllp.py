"""HL7 v2 charges through the MLLP listener: 10,000 DFT^P03 messages, messages per second.

A real ``claimdesk hl7 listen`` process on loopback, on SQLite, over a synthetic practice whose
reference files are imported and whose patients are registered first (their ADT^A04s, not
timed); one connection sends each visit's DFT and waits for its ACK, as an interface engine
does. The peer, measured in the same run with the same client and messages: a naive listener
that parses each message and only acknowledges it (python-hl7's ``create_ack``), storing
nothing. What claimdesk adds per message is reading it, checking every reference, storing the
visit, its claim and charges and the message, auditing it, all in one transaction.
``BENCH_MLLP_MESSAGES`` (10,000) sets the count.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hl7.mllp import start_hl7_server

from claimdesk.bundle.reader import read_bundle
from claimdesk.config import Settings
from claimdesk.hl7.batch import split_batch
from claimdesk.hl7.mapping import MAPPING_FILE
from claimdesk.services.database import units_of_work
from claimdesk.services.import_bundle import import_bundle
from claimdesk.services.setup import set_up
from claimdesk.synth.hl7 import HL7_FILE, write_hl7
from claimdesk.synth.practice import write_practice

MESSAGES = int(os.environ.get("BENCH_MLLP_MESSAGES", "10000"))
PATIENTS = 500
AS_OF = date(2026, 11, 30)
PROGRAM = Path(sys.executable).with_name("claimdesk")
# A busy practice's day of charges (2,000 visits) taken in under 80 s: at least this many charge
# messages a second on this machine's SQLite, each applied and acknowledged before the next.
FLOOR_PER_SECOND = 25.0


def _exchange(connection: socket.socket, message: str) -> str:
    connection.sendall(b"\x0b" + message.encode() + b"\x1c\r")
    received = b""
    while not received.endswith(b"\x1c\r"):
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError("the listener closed the connection")
        received += chunk
    return received.decode()


def _send(port: int, messages: list[str]) -> tuple[float, list[str]]:
    """Seconds to send every message and read its ACK; each MSA-1."""
    codes: list[str] = []
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        started = time.perf_counter()
        for message in messages:
            ack = _exchange(connection, message)
            codes.append(ack.split("MSA|", 1)[1][:2])
        return time.perf_counter() - started, codes


@contextmanager
def _claimdesk_listener(home: Path) -> Iterator[int]:
    env = {**os.environ, "CLAIMDESK_HOME": str(home), "CLAIMDESK_DATABASE_URL": ""}
    # The listener logs a line a message: to a file, as a service manager keeps it (a pipe
    # nobody reads would fill and stop the listener).
    with (home / "listener.log").open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [str(PROGRAM), "hl7", "listen", "--port", "0"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            assert process.stdout is not None
            first = process.stdout.readline()
            if "listening" not in first:
                raise RuntimeError(f"the listener did not start: see {log.name}")
            yield int(first.rsplit(":", 1)[1])
        finally:
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=60)


@contextmanager
def _naive_listener() -> Iterator[int]:
    """Parse each message and acknowledge it: what any MLLP listener does at the least."""

    async def client(reader: Any, writer: Any) -> None:
        try:
            while True:
                message = await reader.readmessage()
                writer.writemessage(message.create_ack())
                await writer.drain()
        except asyncio.IncompleteReadError:
            writer.close()

    async def stop() -> None:
        server.close()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(start_hl7_server(client, "127.0.0.1", 0))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def _home(work: Path) -> tuple[Path, list[str], list[str]]:
    """A home with the practice's reference files; its registrations and its charges."""
    bundle = work / "bundle"
    write_practice(
        bundle,
        patients=PATIENTS,
        encounters=MESSAGES,
        seed=11,
        as_of=AS_OF,
        days=365,
        defect_rate=0.0,
    )
    read = read_bundle(bundle)
    assert read.bundle is not None, read.errors[:3]
    write_hl7(read.bundle, bundle)
    messages = split_batch((bundle / HL7_FILE).read_text(encoding="utf-8"))
    settings = Settings(home=work / "home", database_url="")
    set_up(settings)
    reference = dataclasses.replace(
        read.bundle, guarantors=(), patients=(), coverages=(), encounters=()
    )
    with units_of_work(settings) as uow_factory:
        import_bundle(
            uow_factory,
            reference,
            source="reference",
            files_sha256="",
            user="bench",
            now=datetime.now(UTC),
        )
    shutil.copyfile(bundle / MAPPING_FILE, settings.practice_home / MAPPING_FILE)
    registrations = [m for m in messages if "|ADT^" in m]
    charges = [m for m in messages if "|DFT^" in m]
    return settings.home, registrations, charges


def run() -> None:
    print(f"mllp: {MESSAGES} DFT^P03 messages through the listener, one connection, SQLite")
    with tempfile.TemporaryDirectory(prefix="claimdesk-mllp-") as tmp:
        home, registrations, charges = _home(Path(tmp))
        with _naive_listener() as port:
            naive_seconds, naive_codes = _send(port, charges)
        with _claimdesk_listener(home) as port:
            _send(port, registrations)
            seconds, codes = _send(port, charges)
    applied = codes.count("AA")
    if applied != len(charges) or naive_codes.count("AA") != len(charges):
        raise RuntimeError(f"{applied} of {len(charges)} applied; the others: {set(codes)}")
    rate, naive_rate = len(charges) / seconds, len(charges) / naive_seconds
    met = "met" if rate >= FLOOR_PER_SECOND else "NOT MET"
    print(
        f"  naive listener (parse, ACK)      {naive_rate:9.1f} messages/s  {naive_seconds:7.2f} s"
    )
    print(f"  claimdesk hl7 listen (applied)   {rate:9.1f} messages/s  {seconds:7.2f} s")
    print(
        f"  claimdesk takes x{naive_rate / rate:.1f} the naive listener's time per message, "
        f"{1000 * seconds / len(charges):.2f} ms a visit (at least {FLOOR_PER_SECOND:.0f}/s: {met})"
    )


if __name__ == "__main__":
    run()
