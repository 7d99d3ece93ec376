"""The practice's archive: the documents about patients claimdesk keeps on disk beside the
database (statements, good-faith estimates, the collection agency's files)."""

from __future__ import annotations

from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    """Keep ``data`` at ``path``, readable by the home's owner only: it names patients and
    what they owe (45 CFR 164.312(a)(1), access control)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(data)
    path.chmod(0o600)
