"""An SFTP session with one trading partner (asyncssh), every step bounded in time.

The session checks the server's host key against the one the practice pinned (never accepting
an unknown key), logs in with the practice's key file or the password in the environment
variable it named, and moves files whole: an upload is written under a temporary name and
renamed once complete; a download is checked against the size the listing gave.

Errors come in two kinds: :class:`LinkError` (the server cannot be reached, refused the login,
offered another host key, timed out or dropped the session: nothing more can be done with it
this time) and :class:`RemoteFileError` (the server refused one file; the others may go on).
Their messages say what failed and why, never a file's content.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import posixpath
from collections.abc import AsyncIterator, Awaitable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

import asyncssh

from claimdesk.transport.config import Partner
from claimdesk.transport.naming import uploading_name

T = TypeVar("T")
CHUNK = 32 * 1024
# An SFTP status that means the session itself is gone, not that one file was refused.
_SESSION_GONE = (asyncssh.SFTPConnectionLost, asyncssh.SFTPNoConnection)


class LinkError(Exception):
    """The partner's server cannot be used now; the message says why."""


class RemoteFileError(Exception):
    """The server refused one operation on one file; the message says which and why."""


@dataclass(frozen=True, slots=True)
class RemoteFile:
    name: str
    size: int
    mtime: int | None


@dataclass(frozen=True, slots=True)
class Downloaded:
    size: int
    sha256: str


class _PinnedHostKey(asyncssh.SSHClient):
    """Accepts the server's key only if it is the pinned fingerprint (or the known_hosts file
    lists it, which asyncssh checks before asking here); remembers the key offered, for the
    error that names it."""

    def __init__(self, fingerprint: str | None) -> None:
        self.fingerprint = fingerprint
        self.offered: str | None = None

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        self.offered = key.get_fingerprint("sha256")
        return self.fingerprint is not None and hmac.compare_digest(self.offered, self.fingerprint)


def _data(read: str | bytes) -> bytes:
    """What a read of a file opened "rb" gives: bytes (asyncssh types it str or bytes)."""
    return cast(bytes, read)


def _login(partner: Partner, environ: Mapping[str, str]) -> dict[str, object]:
    """asyncssh's credentials: the key file and the password from the environment; nothing of
    the machine's own (no ~/.ssh keys or config, no agent)."""
    password = None
    if partner.password_env is not None:
        password = environ.get(partner.password_env)
        if not password:
            raise LinkError(
                f"the environment variable {partner.password_env} (password_env) is not set"
            )
    keys = None
    if partner.key_file is not None:
        passphrase = None
        if partner.key_passphrase_env is not None:
            passphrase = environ.get(partner.key_passphrase_env)
            if passphrase is None:
                raise LinkError(
                    f"the environment variable {partner.key_passphrase_env} "
                    "(key_passphrase_env) is not set"
                )
        try:
            keys = [asyncssh.read_private_key(partner.key_file, passphrase)]
        except (OSError, ValueError) as exc:  # asyncssh's key errors are ValueErrors
            raise LinkError(f"key_file {partner.key_file} cannot be used: {exc}") from exc
    return {
        "username": partner.user,
        "client_keys": keys,
        "password": password,
        "agent_path": None,
        "config": None,
        "kbdint_auth": False,
        "gss_host": None,
        "x509_trusted_certs": None,
    }


def _known_hosts(partner: Partner) -> asyncssh.SSHKnownHosts:
    """The pinned keys: the known_hosts file, or none (the fingerprint is checked by
    :class:`_PinnedHostKey`). Never the machine's own ~/.ssh/known_hosts."""
    if partner.known_hosts is None:
        return asyncssh.import_known_hosts("")
    try:
        return asyncssh.read_known_hosts(str(partner.known_hosts))
    except (OSError, ValueError) as exc:
        raise LinkError(f"known_hosts {partner.known_hosts} cannot be read: {exc}") from exc


def _refused_host_key(partner: Partner, pinned: _PinnedHostKey) -> LinkError:
    offered = pinned.offered or "a key"
    where = (
        f"known_hosts {partner.known_hosts} does not list it for {partner.host}"
        if partner.known_hosts is not None
        else f"the pinned host_key is {partner.host_key}"
    )
    return LinkError(
        f"the server offered host key {offered} and {where}: not connected (if the "
        "clearinghouse changed its key, confirm the new fingerprint with them, then pin it)"
    )


def _connect_error(partner: Partner, exc: BaseException, pinned: _PinnedHostKey) -> LinkError:
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        return _refused_host_key(partner, pinned)
    if isinstance(exc, asyncssh.PermissionDenied):
        how = " and ".join(
            way
            for way, given in (("key", partner.key_file), ("password", partner.password_env))
            if given is not None
        )
        return LinkError(f"the server refused the login of {partner.user!r} by {how}")
    if isinstance(exc, TimeoutError):
        return LinkError(
            f"no answer from {partner.host}:{partner.port} within {partner.timeout_seconds:g} s"
        )
    if isinstance(exc, asyncssh.DisconnectError):
        return LinkError(f"the server ended the connection: {exc.reason}")
    if isinstance(exc, OSError):
        return LinkError(f"cannot connect to {partner.host}:{partner.port}: {exc.strerror or exc}")
    return LinkError(f"cannot connect to {partner.host}:{partner.port}: {exc}")


@asynccontextmanager
async def opened(partner: Partner, environ: Mapping[str, str]) -> AsyncIterator[SftpSession]:
    """An SFTP session with ``partner``'s server, closed on the way out."""
    login = _login(partner, environ)
    pinned = _PinnedHostKey(partner.host_key)
    try:
        connection = await asyncssh.connect(
            partner.host,
            partner.port,
            known_hosts=_known_hosts(partner),
            client_factory=lambda: pinned,
            connect_timeout=partner.timeout_seconds,
            **login,
        )
    except (OSError, TimeoutError, asyncssh.Error) as exc:
        raise _connect_error(partner, exc, pinned) from exc
    try:
        session = SftpSession(partner, connection)
        await session.start()
        yield session
    finally:
        connection.close()
        # The session is over either way: a server slow to say goodbye changes nothing.
        with contextlib.suppress(TimeoutError, OSError, asyncssh.Error):
            await asyncio.wait_for(connection.wait_closed(), partner.timeout_seconds)


class SftpSession:
    """The file operations claimdesk needs, each bounded by the partner's timeout."""

    def __init__(self, partner: Partner, connection: asyncssh.SSHClientConnection) -> None:
        self.partner = partner
        self._connection = connection
        self._sftp: asyncssh.SFTPClient | None = None

    async def start(self) -> None:
        try:
            self._sftp = await self._bounded(self._connection.start_sftp_client(), "opening SFTP")
        except RemoteFileError as exc:  # the server has no SFTP for this login
            raise LinkError(str(exc)) from exc

    @property
    def sftp(self) -> asyncssh.SFTPClient:
        if self._sftp is None:
            raise RuntimeError("the SFTP session is not started")
        return self._sftp

    async def _bounded(self, step: Awaitable[T], doing: str, name: str = "") -> T:
        """``step`` within the timeout; its failure as a :class:`LinkError` or, when the server
        refused just this file, a :class:`RemoteFileError`."""
        try:
            return await asyncio.wait_for(step, self.partner.timeout_seconds)
        except TimeoutError as exc:
            raise LinkError(
                f"{doing}{f' {name}' if name else ''}: no answer within "
                f"{self.partner.timeout_seconds:g} s"
            ) from exc
        except _SESSION_GONE as exc:
            raise LinkError(f"{doing} {name}: the server dropped the session") from exc
        except asyncssh.SFTPError as exc:
            raise RemoteFileError(f"{doing} {name}: the server said {exc.reason!r}") from exc
        except (asyncssh.DisconnectError, asyncssh.ChannelOpenError, OSError) as exc:
            raise LinkError(f"{doing} {name}: the connection was lost ({exc})") from exc

    def _path(self, folder: str, name: str) -> str:
        return posixpath.join(folder, name)

    async def listing(self, folder: str) -> list[RemoteFile]:
        """The regular files in ``folder``, with their sizes and modification times."""
        names = await self._bounded(self.sftp.readdir(folder), "listing", folder)
        return [
            RemoteFile(
                entry.filename if isinstance(entry.filename, str) else entry.filename.decode(),
                entry.attrs.size or 0,
                entry.attrs.mtime,
            )
            for entry in names
            if entry.attrs.type == asyncssh.FILEXFER_TYPE_REGULAR
        ]

    async def find(self, folder: str, name: str) -> RemoteFile | None:
        """The file ``folder/name`` as the server has it, or None."""
        path = self._path(folder, name)
        try:
            attrs = await self._bounded(self.sftp.stat(path), "looking for", path)
        except RemoteFileError as exc:
            if isinstance(exc.__cause__, asyncssh.SFTPNoSuchFile):
                return None
            raise
        return RemoteFile(name, attrs.size or 0, attrs.mtime)

    async def upload(self, data: bytes, folder: str, name: str) -> None:
        """``data`` as ``folder/name``, whole or not at all: written under a temporary name
        (an earlier cut attempt's copy replaced), its size checked, then renamed."""
        final = self._path(folder, name)
        temporary = self._path(folder, uploading_name(name))
        handle = await self._bounded(self.sftp.open(temporary, "wb"), "uploading", temporary)
        try:
            for offset in range(0, len(data), CHUNK):
                await self._bounded(
                    handle.write(data[offset : offset + CHUNK], offset), "uploading", temporary
                )
        finally:
            await self._closed(handle)
        written = await self._bounded(self.sftp.stat(temporary), "checking", temporary)
        if written.size != len(data):
            raise RemoteFileError(
                f"uploading {temporary}: the server holds {written.size} of {len(data)} bytes"
            )
        await self._bounded(
            self.sftp.rename(temporary, final), "renaming", f"{temporary} to {name}"
        )

    async def read(self, folder: str, name: str) -> bytes:
        """The whole content of ``folder/name`` (a small file: an upload to compare)."""
        path = self._path(folder, name)
        handle = await self._bounded(self.sftp.open(path, "rb"), "reading", path)
        try:
            chunks: list[bytes] = []
            offset = 0
            while True:
                chunk = _data(await self._bounded(handle.read(CHUNK, offset), "reading", path))
                if not chunk:
                    return b"".join(chunks)
                chunks.append(chunk)
                offset += len(chunk)
        finally:
            await self._closed(handle)

    async def download(self, folder: str, name: str, target: Path) -> Downloaded:
        """``folder/name`` into the local file ``target`` (created, owner-only), with its size
        and SHA-256; the caller compares the size with the listing's."""
        path = self._path(folder, name)
        handle = await self._bounded(self.sftp.open(path, "rb"), "downloading", path)
        digest = hashlib.sha256()
        size = 0
        try:
            with target.open("xb") as stream:
                while True:
                    chunk = _data(
                        await self._bounded(handle.read(CHUNK, size), "downloading", path)
                    )
                    if not chunk:
                        break
                    stream.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                stream.flush()
                os.fsync(stream.fileno())
        finally:
            await self._closed(handle)
        return Downloaded(size, digest.hexdigest())

    async def remove(self, folder: str, name: str) -> None:
        path = self._path(folder, name)
        await self._bounded(self.sftp.remove(path), "removing", path)

    async def _closed(self, handle: asyncssh.SFTPClientFile) -> None:
        # What was moved is checked by the caller: a lost close changes nothing.
        with contextlib.suppress(TimeoutError, asyncssh.Error, OSError):
            await asyncio.wait_for(handle.close(), self.partner.timeout_seconds)
