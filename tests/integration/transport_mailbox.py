"""A clearinghouse for the transport tests: a real asyncssh SFTP server on 127.0.0.1 (a free
port, a host key made by the test, a chrooted mailbox in the test's folder) and the practice's
``transport.toml`` that reaches it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from claimdesk.transport.config import TRANSPORT_FILE, TransportConfig, load_transport
from claimdesk.transport.loopback import LoopbackServer, Mailbox, MailboxSftp, SftpFactory

USER = "rfmg001"
PARTNER = "acme"
INBOUND, OUTBOUND = "to-payers", "from-payers"


@dataclass
class Clearinghouse:
    server: LoopbackServer
    root: Path  # the mailbox, "/" to the practice
    key_file: Path  # the practice's login key

    @property
    def inbound(self) -> Path:
        return self.root / INBOUND

    @property
    def outbound(self) -> Path:
        return self.root / OUTBOUND

    @property
    def fingerprint(self) -> str:
        return self.server.host_key.get_fingerprint("sha256")

    def toml(self, **fields: object) -> str:
        """A ``[partners.acme]`` table reaching this server; ``fields`` add or replace lines."""
        values: dict[str, object] = {
            "host": "127.0.0.1",
            "port": self.server.port,
            "user": USER,
            "key_file": str(self.key_file),
            "host_key": self.fingerprint,
            "send_folder": f"/{INBOUND}",
            "fetch_folder": f"/{OUTBOUND}",
            "settle_seconds": 0,
            "timeout_seconds": 5,
            **fields,
        }
        lines = [f"[partners.{PARTNER}]"]
        for key, value in values.items():
            if value is None:
                continue
            if isinstance(value, list):
                lines.append(f"{key} = [{', '.join(f'{v!r}' for v in value)}]")
            elif isinstance(value, bool):
                lines.append(f"{key} = {'true' if value else 'false'}")
            elif isinstance(value, int | float):
                lines.append(f"{key} = {value}")
            else:
                lines.append(f'{key} = "{value}"')
        return "\n".join(lines) + "\n"

    def configure(self, folder: Path, **fields: object) -> TransportConfig:
        """Write ``folder/transport.toml`` for this server and read it back."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / TRANSPORT_FILE).write_text(self.toml(**fields), encoding="utf-8")
        config = load_transport(folder)
        assert config is not None
        return config

    def restart(self) -> None:
        """The server goes down (every session dropped) and comes back on the same port."""
        self.server.stop()
        self.server = LoopbackServer(
            self.server.host_key, self.server.mailboxes, port=self.server.port
        )
        self.server.start()


@contextmanager
def clearinghouse(
    folder: Path, sftp: SftpFactory = MailboxSftp, password: str | None = None
) -> Iterator[Clearinghouse]:
    """The server, serving until the block ends; ``sftp`` may be a misbehaving SFTP side, and
    ``password`` opens the mailbox too."""
    login = asyncssh.generate_private_key("ssh-ed25519")
    key_file = folder / "keys" / "acme_ed25519"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(login.export_private_key())
    os.chmod(key_file, 0o600)
    root = folder / "mailbox"
    for name in (INBOUND, OUTBOUND):
        (root / name).mkdir(parents=True)
    server = LoopbackServer(
        asyncssh.generate_private_key("ssh-ed25519"),
        {USER: Mailbox(root, (login,), password)},
        sftp=sftp,
    )
    server.start()
    house = Clearinghouse(server, root, key_file)
    try:
        yield house
    finally:
        house.server.stop()
