"""Second-factor secrets sealed with a key kept outside the database (HIPAA 164.312(a)(2)(iv)).

A copy of the database (a backup, a replica, a stolen disk image) does not give anyone the
secrets that make one-time codes: they are encrypted with Fernet (AES-128-CBC with an
HMAC-SHA256 tag, from the ``cryptography`` package) under a key in a file of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken


class SecretKeyError(ValueError):
    """A sealed secret that this key cannot open: the wrong key file, or a changed row."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError) as error:
            raise SecretKeyError(
                "a stored second-factor secret does not open with this key file; "
                "restore the key file that was used, or enrol the person again"
            ) from error


def key_from_file(path: Path) -> bytes:
    """The key in ``path``, made (readable by the owner only) the first time it is needed."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as key_file:
            key_file.write(Fernet.generate_key())
    return path.read_bytes().strip()


def box_from_file(path: Path) -> SecretBox:
    return SecretBox(key_from_file(path))
