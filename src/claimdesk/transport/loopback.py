"""A small SFTP server on the loopback address, in a thread of its own: the clearinghouse
mailboxes of the demo (``claimdesk demo``), where the payer simulator picks up what the
practices upload and leaves its answers, and the real server the transport tests talk to.

Each login sees its mailbox folder as ``/`` and nothing outside it (asyncssh's chroot). Only
the keys (or password) given for a mailbox open it; the server offers its own host key, which
the practice pins.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import asyncssh

LOOPBACK = "127.0.0.1"
START_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Mailbox:
    """One login: its folder, and the public keys or password that open it."""

    root: Path
    public_keys: tuple[asyncssh.SSHKey, ...] = ()
    password: str | None = None


class MailboxSftp(asyncssh.SFTPServer):
    """The SFTP side of a login: its mailbox folder as the root of everything it sees."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], root: Path) -> None:
        super().__init__(chan, chroot=os.fsencode(root))


SftpFactory = Callable[[asyncssh.SSHServerChannel[bytes], Path], MailboxSftp]


class _Gate(asyncssh.SSHServer):
    """One connection's login: a mailbox's key or password, nothing else."""

    def __init__(
        self, mailboxes: Mapping[str, Mailbox], live: set[asyncssh.SSHServerConnection]
    ) -> None:
        self._mailboxes = mailboxes
        self._live = live
        self._connection: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._connection = conn
        self._live.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._connection is not None:
            self._live.discard(self._connection)

    def begin_auth(self, username: str) -> bool:
        return True  # every login must authenticate

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        mailbox = self._mailboxes.get(username)
        return mailbox is not None and any(
            key.public_data == known.public_data for known in mailbox.public_keys
        )

    def password_auth_supported(self) -> bool:
        return any(m.password for m in self._mailboxes.values())

    def validate_password(self, username: str, password: str) -> bool:
        mailbox = self._mailboxes.get(username)
        if mailbox is None or not mailbox.password:
            return False
        return hmac.compare_digest(password.encode(), mailbox.password.encode())


class LoopbackServer:
    """``with LoopbackServer(host_key, mailboxes) as server:`` serves on ``server.port`` (a free
    one unless ``port`` is given, as a restart on the same port does) until the block ends;
    ``stop`` drops every session at once, as a server going down does."""

    def __init__(
        self,
        host_key: asyncssh.SSHKey,
        mailboxes: Mapping[str, Mailbox],
        *,
        port: int = 0,
        sftp: SftpFactory = MailboxSftp,
    ) -> None:
        self.host_key = host_key
        self.mailboxes = dict(mailboxes)
        self.port = port
        self._sftp = sftp
        self._live: set[asyncssh.SSHServerConnection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._acceptor: asyncssh.SSHAcceptor | None = None

    def start(self) -> int:
        """Listen on the loopback address; returns the port."""
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="sftp-loopback", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), loop).result(START_SECONDS)
        return self.port

    async def _listen(self) -> None:
        for mailbox in self.mailboxes.values():
            mailbox.root.mkdir(parents=True, exist_ok=True)
        self._acceptor = await asyncssh.create_server(
            lambda: _Gate(self.mailboxes, self._live),
            LOOPBACK,
            self.port,
            server_host_keys=[self.host_key],
            sftp_factory=self._session,
            allow_scp=False,
        )
        self.port = self._acceptor.sockets[0].getsockname()[1]

    def _session(self, chan: asyncssh.SSHServerChannel[bytes]) -> MailboxSftp:
        user = chan.get_extra_info("username")
        return self._sftp(chan, self.mailboxes[user].root)

    def stop(self) -> None:
        """Stop listening and drop every open session."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._close(), loop).result(START_SECONDS)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(START_SECONDS)
        loop.close()
        self._loop = self._thread = None

    async def _close(self) -> None:
        for connection in list(self._live):
            connection.abort()
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def host_line(host_key: asyncssh.SSHKey, port: int) -> str:
    """The server's known_hosts line (OpenSSH writes a non-standard port as ``[host]:port``)."""
    public = host_key.export_public_key().decode().strip()
    return f"[{LOOPBACK}]:{port} {public}\n"
