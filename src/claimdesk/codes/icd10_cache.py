"""The ICD-10-CM tabular facts claimdesk reads, compiled once from simple_icd_10_cm into a file.

Importing simple_icd_10_cm parses the whole tabular XML, which takes seconds in every process.
claimdesk only asks it four things about an item (is it valid, is it a leaf, its ancestors, its
Excludes1 notes), so the answers for every item are compiled once per installed
simple_icd_10_cm version into a marshal file in the user's cache folder, which loads in tens of
milliseconds.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from functools import cache
from pathlib import Path

# Bump when the compiled layout changes, so that files of the old layout are not read.
FORMAT_VERSION = 1
_PACKAGE = "simple-icd-10-cm"
_CRC_BYTES = 4

# Items are named as simple_icd_10_cm names them: dotted codes ("E11.9"), categories, blocks
# ("E08-E13"), chapters ("4"). The compiled table holds every item's ancestors (parent first),
# the set of leaves, and the raw Excludes1 notes of the items that have some: a few big
# containers load faster than one small tuple per item.
Ancestors = dict[str, tuple[str, ...]]
Notes = dict[str, tuple[str, ...]]
Compiled = tuple[Ancestors, frozenset[str], Notes]


class Icd10Table:
    """simple_icd_10_cm's answers to claimdesk's questions, looked up in the compiled table."""

    def __init__(self, compiled: Compiled) -> None:
        self._ancestors, self._leaves, self._excludes1 = compiled

    def _name(self, code: str) -> str | None:
        # As in simple_icd_10_cm: the dot after the category is optional, and the dotted
        # spelling is the one looked up when it names an item.
        if len(code) >= 4 and code[3] != ".":
            dotted = f"{code[:3]}.{code[3:]}"
            if dotted in self._ancestors:
                return dotted
        return code if code in self._ancestors else None

    def _item(self, code: str) -> str:
        name = self._name(code)
        if name is None:
            raise ValueError(f"{code!r} is not an ICD-10-CM item")
        return name

    def is_valid_item(self, code: str) -> bool:
        return self._name(code) is not None

    def is_leaf(self, code: str) -> bool:
        return self._item(code) in self._leaves

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Parent first, up to the chapter."""
        return self._ancestors[self._item(code)]

    def excludes1(self, code: str) -> tuple[str, ...]:
        """The item's own Excludes1 notes, not its ancestors'."""
        return self._excludes1.get(self._item(code), ())


def cache_dir() -> Path:
    """``$CLAIMDESK_CACHE_DIR``, else ``$XDG_CACHE_HOME/claimdesk``, else ``~/.cache/claimdesk``."""
    explicit = os.environ.get("CLAIMDESK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "claimdesk"


def cache_file() -> Path:
    # Imported here: importlib.metadata takes tens of milliseconds to import, which importers
    # of claimdesk.codes.reference should not pay until a diagnosis is looked up.
    from importlib.metadata import version

    # marshal's format may change between Python versions; its version keeps them apart.
    name = f"icd10cm-{version(_PACKAGE)}-format{FORMAT_VERSION}-marshal{marshal.version}.bin"
    return cache_dir() / name


@cache
def icd10_table() -> Icd10Table:
    """The table for the installed simple_icd_10_cm: read from the cache, compiled when missing."""
    try:
        path = cache_file()
    except RuntimeError:  # Path.home() with neither $HOME nor a passwd entry: nowhere to cache
        return Icd10Table(_compile())
    compiled = _read(path)
    if compiled is None:
        compiled = _compile()
        _write(path, compiled)
    return Icd10Table(compiled)


def _compile() -> Compiled:
    # Imported here only: its import is the slow XML parse the cache file exists to avoid.
    import simple_icd_10_cm as icd

    chains: dict[tuple[str, ...], tuple[str, ...]] = {}
    ancestors: Ancestors = {}
    leaves: set[str] = set()
    notes: Notes = {}
    for name in icd.get_all_codes(with_dots=True):
        chain = tuple(icd.get_ancestors(name))
        # Siblings share one ancestors tuple, so marshal writes and loads it once.
        ancestors[name] = chains.setdefault(chain, chain)
        if icd.is_leaf(name):
            leaves.add(name)
        if excludes1 := icd.get_excludes1(name):
            notes[name] = tuple(excludes1)
    return ancestors, frozenset(leaves), notes


def _read(path: Path) -> Compiled | None:
    """The table stored at ``path``; None when missing or damaged, which means compile again."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    payload = data[_CRC_BYTES:]
    # The checksum catches damage that would still unmarshal, e.g. a flipped byte in a note.
    if len(data) < _CRC_BYTES or int.from_bytes(data[:_CRC_BYTES], "big") != zlib.crc32(payload):
        return None
    try:
        loaded = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    match loaded:
        case (dict() as ancestors, frozenset() as leaves, dict() as notes):
            return ancestors, leaves, notes
    return None


def _write(path: Path, compiled: Compiled) -> None:
    """Store the table at ``path`` atomically; when the folder cannot be written, do nothing."""
    payload = marshal.dumps(compiled)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return  # a read-only cache folder: this process keeps its table in memory only
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(zlib.crc32(payload).to_bytes(_CRC_BYTES, "big") + payload)
        # Readers see either no file or a whole one, even with processes compiling side by side.
        os.replace(temp, path)
    except OSError:
        Path(temp).unlink(missing_ok=True)
