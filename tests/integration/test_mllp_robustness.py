"""The MLLP listener under bad clients: half a frame, silence, bytes outside a frame, a frame
too large. Each is cut or answered on its own connection; the other clients are served."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import hl7
import pytest
from hl7_practice import NOW, USER, exchange, interface_home, read_frame, write_hl7_practice

from claimdesk.bootstrap import composed
from claimdesk.hl7.mapping import load_mappings
from claimdesk.mllp.server import Listener
from claimdesk.services.hl7_intake import take_message

IDLE_SECONDS = 1.0
MAX_BYTES = 20_000


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, list[str]]]:
    """A listener on loopback over a SQLite home, taking the practice's messages for real."""
    bundle = tmp_path / "bundle"
    messages = write_hl7_practice(bundle, patients=2, encounters=2)
    settings = interface_home(tmp_path / "home", f"sqlite:///{tmp_path / 'h.db'}", bundle)
    with composed(settings, clock=lambda: NOW) as parts:

        def take(text: str) -> str:
            return take_message(
                parts.uow_factory,
                text,
                mappings=load_mappings(settings.practice_home),
                policy=parts.routing,
                user=USER,
                now=NOW,
            ).ack

        listener = Listener(take, frame_timeout=IDLE_SECONDS, max_bytes=MAX_BYTES)
        loop = asyncio.new_event_loop()
        _host, port = loop.run_until_complete(listener.start("127.0.0.1", 0))
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        try:
            yield port, messages
        finally:
            asyncio.run_coroutine_threadsafe(listener.stop(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()


def _ack_code(ack: str) -> str:
    return str(hl7.parse(ack).extract_field("MSA", 1, 1, 1, 1))


def _closed_by_server(connection: socket.socket) -> bool:
    try:
        return connection.recv(1) == b""
    except ConnectionResetError:
        return True


def test_a_half_frame_is_cut_an_idle_connection_kept_and_the_others_served(
    served: tuple[int, list[str]],
) -> None:
    port, messages = served
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as stalled,
        socket.create_connection(("127.0.0.1", port), timeout=10) as idle,
        socket.create_connection(("127.0.0.1", port), timeout=10) as healthy,
    ):
        stalled.sendall(b"\x0b" + messages[0].encode()[:40])  # half a frame, then nothing
        started = time.monotonic()
        assert _ack_code(exchange(healthy, messages[0])) == "AA"
        assert time.monotonic() - started < IDLE_SECONDS  # not held up by the stalled client
        assert _closed_by_server(stalled)
        assert time.monotonic() - started < IDLE_SECONDS + 5
        # An interface engine's connection idle between messages is kept open, and served.
        assert _ack_code(exchange(idle, messages[1])) == "AA"
        assert _ack_code(exchange(healthy, messages[1])) == "AA"  # sent again: still AA


def test_bytes_outside_a_frame_are_refused_and_the_connection_reads_on(
    served: tuple[int, list[str]],
) -> None:
    port, messages = served
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/1.1\x1c\r")
        refused = read_frame(connection)
        assert _ack_code(refused) == "AR"
        assert "MLLP start block" in refused
        assert _ack_code(exchange(connection, messages[0])) == "AA"
        garbled = "MSH|^~\\&|EHR\rPID|no header fields"
        assert _ack_code(exchange(connection, garbled)) == "AR"


def test_a_frame_over_the_limit_ends_its_connection_only(
    served: tuple[int, list[str]],
) -> None:
    port, messages = served
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as flooding,
        socket.create_connection(("127.0.0.1", port), timeout=10) as healthy,
    ):
        flooding.sendall(b"\x0b" + b"X" * (MAX_BYTES * 2))
        assert _closed_by_server(flooding)
        assert _ack_code(exchange(healthy, messages[0])) == "AA"
