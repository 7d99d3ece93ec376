"""An MLLP listener (HL7 v2 Minimal Lower Layer Protocol: each message framed VT ... FS CR).

Every message is handed to ``take`` (which stores and applies it and returns the ACK) on one
thread, one at a time, in the order received, so a patient's registration is applied before
their charges. Reading frames never waits on the database. An interface engine keeps its
connection open between messages for as long as it likes; a frame begun must be finished within
``frame_timeout`` seconds, or the connection is cut (a client that sends half a frame and stops);
a frame over ``max_bytes`` ends its connection; the other clients are served all the while.
Logged: connections, cuts and each message's type, control id and outcome, never its content.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from claimdesk.hl7.ack import AckCode, acknowledgment
from claimdesk.hl7.message import Code, Location, Problem
from claimdesk.hl7.mllp_text import decoded

log = logging.getLogger(__name__)

START = b"\x0b"  # VT
END = b"\x1c\r"  # FS CR
DEFAULT_FRAME_TIMEOUT = 60.0
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
READ_SIZE = 65536
NOT_FRAMED = Problem(
    Location("MSH"), "the frame does not begin with the MLLP start block (VT)", Code.DATA_TYPE
)


class Listener:
    def __init__(
        self,
        take: Callable[[str], str],
        *,
        frame_timeout: float = DEFAULT_FRAME_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._take = take
        self._frame_timeout = frame_timeout
        self._max_bytes = max_bytes
        self._applier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hl7-apply")
        self._clients: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.taken = 0

    async def start(self, host: str, port: int) -> tuple[str, int]:
        """Listen on ``host``:``port`` (0: a free port); the address bound."""
        self._server = await asyncio.start_server(self._client, host, port)
        bound = self._server.sockets[0].getsockname()
        return str(bound[0]), int(bound[1])

    async def stop(self) -> None:
        """Stop listening, end every connection (a message being applied is finished first)."""
        if self._server is not None:
            self._server.close()
        for task in self._clients:
            task.cancel()
        await asyncio.gather(*self._clients, return_exceptions=True)
        self._applier.shutdown(wait=True)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        task = asyncio.current_task()
        if task is not None:
            self._clients.add(task)
            task.add_done_callback(self._clients.discard)
        log.info("mllp %s: connected", peer)
        try:
            await self._serve(reader, writer, peer)
        except OSError as exc:
            log.info("mllp %s: connection lost (%s)", peer, type(exc).__name__)
        finally:
            writer.close()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: object
    ) -> None:
        pending = bytearray()
        while True:
            # Idle between frames: wait as long as the engine likes. Inside one: not forever.
            timeout = self._frame_timeout if pending.strip() else None
            try:
                chunk = await asyncio.wait_for(reader.read(READ_SIZE), timeout)
            except TimeoutError:
                log.info("mllp %s: a frame unfinished after %ss; cut", peer, self._frame_timeout)
                return
            if not chunk:
                if pending.strip():
                    log.info("mllp %s: closed in the middle of a frame", peer)
                else:
                    log.info("mllp %s: closed", peer)
                return
            pending += chunk
            while (end := pending.find(END)) >= 0:
                frame = bytes(pending[:end])
                del pending[: end + len(END)]
                await self._answer(frame, writer)
            if len(pending) > self._max_bytes:
                log.info("mllp %s: a frame over %s bytes; cut", peer, self._max_bytes)
                return

    async def _answer(self, frame: bytes, writer: asyncio.StreamWriter) -> None:
        start = frame.find(START)
        if start < 0 or frame[:start].strip():
            # Bytes outside a frame: refuse them and read on from the next frame.
            ack = acknowledgment(None, AckCode.REJECTED, [NOT_FRAMED], now=datetime.now(UTC))
        else:
            loop = asyncio.get_running_loop()
            ack = await loop.run_in_executor(self._applier, self._take, decoded(frame[start + 1 :]))
            self.taken += 1
        writer.write(START + ack.encode() + END)
        await writer.drain()
