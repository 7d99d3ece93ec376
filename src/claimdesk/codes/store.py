"""The data home's ``codes/`` folder: one normalized tab-separated file per kind.

Importing replaces a kind's file atomically (write aside, then rename) and only when the
content changed, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claimdesk.codes import hcpcs, ncci, nucc, pos, reasons


@dataclass(frozen=True, slots=True)
class CodeKind:
    name: str
    columns: tuple[str, ...]
    parse: Callable[[Path], list[tuple[str, ...]]]
    layout: str  # the official layout the importer reads, for help texts


KINDS: dict[str, CodeKind] = {
    kind.name: kind
    for kind in (
        CodeKind("hcpcs", hcpcs.COLUMNS, hcpcs.parse, "CMS HCPCS fixed-width record (320)"),
        CodeKind("ncci-ptp", ncci.PTP_COLUMNS, ncci.parse_ptp, "CMS NCCI practitioner PTP"),
        CodeKind("mue", ncci.MUE_COLUMNS, ncci.parse_mue, "CMS practitioner MUE table CSV"),
        CodeKind("carc", reasons.COLUMNS, reasons.parse_carc, "X12 CARC list as CSV"),
        CodeKind("rarc", reasons.COLUMNS, reasons.parse_rarc, "X12 RARC list as CSV"),
        CodeKind("taxonomy", nucc.COLUMNS, nucc.parse, "NUCC taxonomy CSV"),
        CodeKind("pos", pos.COLUMNS, pos.parse, "CMS place of service table as CSV"),
    )
}


@dataclass(frozen=True, slots=True)
class ImportReport:
    kind: str
    source: Path
    stored: Path
    rows: int
    changed: bool

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "source": str(self.source),
            "stored": str(self.stored),
            "rows": self.rows,
            "changed": self.changed,
        }


def stored_path(codes_dir: Path, kind: str) -> Path:
    return codes_dir / f"{kind}.tsv"


def _render(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    lines = ["\t".join(columns), *("\t".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_file(codes_dir: Path, kind: str, source: Path) -> ImportReport:
    """Parse ``source`` as ``kind`` and store it; raises ``CodeImportError`` with every problem."""
    spec = KINDS[kind]
    rows = spec.parse(source)
    content = _render(spec.columns, rows)
    target = stored_path(codes_dir, kind)
    if target.exists() and target.read_bytes() == content:
        return ImportReport(kind, source, target, len(rows), changed=False)
    codes_dir.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{kind}.", suffix=".tmp", dir=codes_dir)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return ImportReport(kind, source, target, len(rows), changed=True)


def read_rows(codes_dir: Path, kind: str) -> list[dict[str, str]] | None:
    """The stored rows of ``kind`` as dicts, or ``None`` when it was never imported."""
    path = stored_path(codes_dir, kind)
    if not path.exists():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    columns = lines[0].split("\t")
    if tuple(columns) != KINDS[kind].columns:
        raise ValueError(f"{path}: header {columns} is not the {kind} layout; import it again")
    return [dict(zip(columns, line.split("\t"), strict=True)) for line in lines[1:]]
