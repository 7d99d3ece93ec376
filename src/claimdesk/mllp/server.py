"""An MLLP listener (HL7 v2 Minimal Lower Layer Protocol: each message framed VT ... FS CR).

Every message is handed to ``take`` (which stores and applies it and returns the ACK) on one
thread, one at a time, in the order received, so a patient's registration is applied before
their charges. Reading frames never waits on the database: a client that sends half a frame or
goes silent is cut after ``idle_timeout`` seconds, one whose frame is larger than ``max_bytes``
is cut at once, and the other clients are served all the while.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from hl7.mllp import InvalidBlockError, start_hl7_server

from claimdesk.hl7.ack import AckCode, acknowledgment
from claimdesk.hl7.message import Code, Location, Problem
from claimdesk.hl7.mllp_text import decoded

log = logging.getLogger(__name__)

DEFAULT_IDLE_TIMEOUT = 60.0
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
NOT_FRAMED = Problem(
    Location("MSH"), "the frame does not begin with the MLLP start block (VT)", Code.DATA_TYPE
)


class Listener:
    def __init__(
        self,
        take: Callable[[str], str],
        *,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._take = take
        self._idle_timeout = idle_timeout
        self._max_bytes = max_bytes
        self._applier = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hl7-apply")
        self._clients: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.taken = 0

    async def start(self, host: str, port: int) -> tuple[str, int]:
        """Listen on ``host``:``port`` (0: a free port); the address bound."""
        self._server = await start_hl7_server(self._client, host, port, limit=self._max_bytes)
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

    async def _client(self, reader: Any, writer: Any) -> None:
        peer = writer.get_extra_info("peername")
        task = asyncio.current_task()
        if task is not None:
            self._clients.add(task)
            task.add_done_callback(self._clients.discard)
        try:
            while await self._answer_next(reader, writer, peer):
                pass
        except OSError as exc:
            log.info("mllp %s: connection lost (%s)", peer, type(exc).__name__)
        finally:
            writer.close()

    async def _answer_next(self, reader: Any, writer: Any, peer: object) -> bool:
        """Read one frame and answer it; False when the connection is to be closed."""
        try:
            block: bytes = await asyncio.wait_for(reader.readblock(), self._idle_timeout)
        except TimeoutError:
            log.info("mllp %s: no complete frame in %ss; closed", peer, self._idle_timeout)
            return False
        except asyncio.IncompleteReadError as exc:
            if exc.partial.strip():
                log.info("mllp %s: closed in the middle of a frame", peer)
            return False
        except InvalidBlockError:
            # Bytes before the start block: refuse them and read on from the next frame.
            ack = acknowledgment(None, AckCode.REJECTED, [NOT_FRAMED], now=datetime.now(UTC))
            writer.writeblock(ack.encode())
            await writer.drain()
            return True
        except ValueError:
            log.info("mllp %s: a frame over %s bytes; closed", peer, self._max_bytes)
            return False
        loop = asyncio.get_running_loop()
        ack = await loop.run_in_executor(self._applier, self._take, decoded(block))
        self.taken += 1
        writer.writeblock(ack.encode())
        await writer.drain()
        return True
