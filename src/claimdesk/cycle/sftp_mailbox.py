"""The demo's clearinghouse: an SFTP server on the loopback address with a mailbox per practice.

``claimdesk demo`` moves files the way a practice does: the cycle's ``transport send`` uploads
the outbox to the practice's mailbox, the payer simulator picks the files up there and leaves
its 999s, 277CAs, 271s, 277s and 835s beside them, and ``transport fetch`` brings those into
the inbox (docs/transport.md, "The demo"). The server has its own host key, kept in the home's
``clearinghouse/`` folder with the mailboxes; each practice logs in as itself with a key of its
own (its folder's ``keys/``) and pins the server's key in the ``transport.toml`` written here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import asyncssh

from claimdesk.config import Settings
from claimdesk.transport.config import TRANSPORT_FILE
from claimdesk.transport.loopback import LOOPBACK, LoopbackServer, Mailbox

FOLDER = "clearinghouse"
PARTNER = "clearinghouse"
# A mailbox's folders, as the clearinghouse names them: what it receives, what it sends back,
# and what it took from the inbound folder.
INBOUND = "inbound"
OUTBOUND = "outbound"
TAKEN = "taken"
KEY_NAME = "clearinghouse_ed25519"


def mailbox_of(home: Path, practice_id: str) -> Path:
    """The practice's mailbox folder (its root as the practice sees it over SFTP)."""
    return home / FOLDER / practice_id


def _key(path: Path) -> asyncssh.SSHKey:
    """The private key in ``path``, made (owner-only) on first use."""
    if path.exists():
        return asyncssh.read_private_key(path)
    key = asyncssh.generate_private_key("ssh-ed25519")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.export_private_key())
    os.chmod(path, 0o600)
    return key


def clearinghouse(home: Path, practices: Sequence[Settings]) -> LoopbackServer:
    """The server for ``practices`` (not started); each practice's mailbox and login key made."""
    mailboxes = {}
    for settings in practices:
        root = mailbox_of(home, settings.practice_id)
        for folder in (INBOUND, OUTBOUND, TAKEN):
            (root / folder).mkdir(parents=True, exist_ok=True)
        login = _key(settings.practice_home / "keys" / KEY_NAME)
        mailboxes[settings.practice_id] = Mailbox(root, (login,))
    return LoopbackServer(_key(home / FOLDER / "host_key"), mailboxes)


def write_transport(settings: Settings, server: LoopbackServer) -> Path:
    """The practice's ``transport.toml`` for the started ``server``: its mailbox, its key, the
    server's key pinned by fingerprint."""
    fingerprint = server.host_key.get_fingerprint("sha256")
    path = settings.practice_home / TRANSPORT_FILE
    path.write_text(
        "# The demo's clearinghouse (claimdesk demo writes this file on each run).\n"
        f"[partners.{PARTNER}]\n"
        f'host = "{LOOPBACK}"\n'
        f"port = {server.port}\n"
        f'user = "{settings.practice_id}"\n'
        f'key_file = "keys/{KEY_NAME}"\n'
        f'host_key = "{fingerprint}"\n'
        f'send_folder = "/{INBOUND}"\n'
        f'fetch_folder = "/{OUTBOUND}"\n'
        'upload_name = "{submitter}_{stem}_{stamp}.x12"\n'
        "remove_fetched = true\n"
        "# The simulated payers write each file whole before the cycle fetches.\n"
        "settle_seconds = 0\n",
        encoding="utf-8",
    )
    return path
