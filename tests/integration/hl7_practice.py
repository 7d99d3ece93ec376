"""A synthetic practice for the HL7 v2 tests: its bundle with ``practice.hl7`` and ``hl7.toml``
beside it, a home with only its reference files imported (payers, providers, facilities, fees,
contracts: what a practice sets up before its EHR interface goes live), and the books read for
comparison."""

from __future__ import annotations

import dataclasses
import shutil
import socket
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from claimdesk.bundle.reader import read_bundle
from claimdesk.config import Settings
from claimdesk.hl7.batch import split_batch
from claimdesk.hl7.mapping import MAPPING_FILE
from claimdesk.services.database import units_of_work
from claimdesk.services.import_bundle import import_bundle
from claimdesk.services.import_folder import import_folder
from claimdesk.services.setup import set_up
from claimdesk.store.engine import make_engine
from claimdesk.store.tables import base as _registered  # noqa: F401 (every table on Base)
from claimdesk.store.tables.base import Base
from claimdesk.synth.hl7 import HL7_FILE, write_hl7
from claimdesk.synth.practice import write_practice

AS_OF = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
USER = "clerk"


def write_hl7_practice(folder: Path, *, patients: int = 12, encounters: int = 30) -> list[str]:
    """The synthetic practice in ``folder``; its HL7 messages, in the order the EHR sends them."""
    write_practice(
        folder,
        patients=patients,
        encounters=encounters,
        seed=5,
        defect_rate=0.1,
        as_of=AS_OF,
        days=30,
    )
    read = read_bundle(folder)
    assert read.bundle is not None, read.errors
    write_hl7(read.bundle, folder)
    return split_batch((folder / HL7_FILE).read_text(encoding="utf-8"))


def bundle_home(home: Path, database_url: str, bundle: Path) -> Settings:
    """A home with the whole bundle imported, as ``claimdesk import`` would."""
    settings = Settings(home=home, database_url=database_url)
    set_up(settings)
    done = import_folder(settings, bundle, user=USER, now=NOW)
    assert done.report is not None, done.errors
    return settings


def interface_home(home: Path, database_url: str, bundle: Path) -> Settings:
    """A home with the bundle's reference files imported and its ``hl7.toml`` in place."""
    settings = Settings(home=home, database_url=database_url)
    set_up(settings)
    read = read_bundle(bundle)
    assert read.bundle is not None, read.errors
    reference = dataclasses.replace(
        read.bundle, guarantors=(), patients=(), coverages=(), encounters=()
    )
    with units_of_work(settings) as uow_factory:
        import_bundle(
            uow_factory, reference, source="reference", files_sha256="", user=USER, now=NOW
        )
    shutil.copyfile(bundle / MAPPING_FILE, settings.practice_home / MAPPING_FILE)
    return settings


# What the intakes must agree on, column by column (ordered by the first columns given).
COMPARED = {
    "patients": (
        "account",
        "last_name",
        "first_name",
        "birth_date",
        "sex",
        "address_line1",
        "city",
        "postal_code",
        "phone",
        "guarantor_account",
    ),
    "coverages": (
        "coverage_id",
        "patient_account",
        "payer_id",
        "member_id",
        "priority",
        "relationship",
        "effective",
        "termination",
        "network_tier",
    ),
    "claims": ("claim_id", "encounter_id", "coverage_id", "payer_id", "status", "frequency"),
    "encounters": (
        "encounter_id",
        "patient_account",
        "rendering_npi",
        "billing_npi",
        "facility_id",
        "date_of_service",
        "referring_npi",
        "prior_authorization",
    ),
    "encounter_diagnoses": ("encounter_id", "position", "code"),
    "service_lines": (
        "encounter_id",
        "line_number",
        "procedure_code",
        "units",
        "charge",
        "date_of_service",
        "place_of_service",
        "modifier1",
        "modifier2",
        "pointer1",
        "pointer2",
        "pointer3",
        "ndc",
        "ndc_quantity",
        "ndc_unit",
    ),
    "ledger_postings": ("entry_id", "position", "account", "amount", "claim_id", "payer_id"),
}


def books(settings: Settings) -> dict[str, list[tuple[str, ...]]]:
    """Patients, coverages, claims, lines and the ledger, as text, in a fixed order."""
    engine = make_engine(settings.effective_database_url)
    try:
        with engine.connect() as connection:
            found = {}
            for name, columns in COMPARED.items():
                table = Base.metadata.tables[name]
                query = select(*(table.c[c] for c in columns)).order_by(
                    *(table.c[c] for c in columns[:2])
                )
                found[name] = [tuple(str(v) for v in row) for row in connection.execute(query)]
            return found
    finally:
        engine.dispose()


def framed(message: str) -> bytes:
    return b"\x0b" + message.encode() + b"\x1c\r"


def exchange(connection: socket.socket, message: str) -> str:
    """Send one framed message and read its framed ACK."""
    connection.sendall(framed(message))
    return read_frame(connection)


def read_frame(connection: socket.socket) -> str:
    received = b""
    while not received.endswith(b"\x1c\r"):
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {received!r}")
        received += chunk
    return received.decode().strip("\x0b\x1c\r")
