"""The shared X12 corpus: found beside the checkout or at /work/shared, skipped when absent
except under CI=true, where its absence is a failure."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

_CANDIDATES = (
    Path(os.environ.get("CLAIMDESK_X12_CORPUS", "/nonexistent")),
    Path(__file__).resolve().parents[3] / "shared" / "x12-corpus",
    Path("/work/shared/x12-corpus"),
)


@dataclass(frozen=True)
class CorpusFile:
    path: str  # relative to the corpus root, as in INDEX.csv
    transaction: str
    version: str
    intent: str
    pyx12: str
    duplicate_of: str


def corpus_root() -> Path | None:
    return next((p for p in _CANDIDATES if (p / "INDEX.csv").is_file()), None)


def corpus_index() -> list[CorpusFile]:
    root = corpus_root()
    if root is None:
        return []
    with (root / "INDEX.csv").open(newline="", encoding="utf-8") as handle:
        return [
            CorpusFile(
                row["file"],
                row["transaction"],
                row["version"],
                row["intent"],
                row["pyx12"],
                row["duplicate_of"],
            )
            for row in csv.DictReader(handle)
        ]


@pytest.fixture
def corpus() -> Path:
    root = corpus_root()
    if root is None:
        message = "the shared X12 corpus (shared/x12-corpus) is not present"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI=true requires it")
        pytest.skip(message)
    return root


def read_text(root: Path, relative: str) -> str:
    # Corpus files are ASCII in practice; replacement keeps odd bytes visible as findings.
    return (root / relative).read_bytes().decode("utf-8", errors="replace")
