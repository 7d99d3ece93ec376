"""The synthetic practice as its EHR would send it over HL7 v2: ``practice.hl7`` (an ADT^A04
per patient, then a DFT^P03 per visit) and the ``hl7.toml`` that maps its sender, written
beside the bundle's CSV files from the records those files hold."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from claimdesk.bundle.model import PracticeBundle
from claimdesk.hl7.mapping import MAPPING_FILE
from claimdesk.hl7.write import batch_file, practice_messages

SENDER = "RIVERBEND_EHR"
HL7_FILE = "practice.hl7"


def write_hl7(bundle: PracticeBundle, bundle_dir: Path, *, sender: str = SENDER) -> Path:
    """Write ``practice.hl7`` and ``hl7.toml`` of ``bundle`` (as the CSV reader gives it) into
    ``bundle_dir``; the path of the first."""
    # The practice bills every visit under one NPI; the EHR's sender table names it.
    billing = Counter(e.billing_npi for e in bundle.encounters).most_common(1)
    now = datetime.now(UTC)
    path = bundle_dir / HL7_FILE
    path.write_text(batch_file(practice_messages(bundle, sender=sender, now=now)), encoding="utf-8")
    if billing:
        (bundle_dir / MAPPING_FILE).write_text(
            f'[senders.{sender}]\nbilling_npi = "{billing[0][0]}"\n', encoding="utf-8"
        )
    return path
