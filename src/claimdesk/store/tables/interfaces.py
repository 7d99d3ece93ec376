"""What the EHR and the clearinghouse sent or received through claimdesk's interfaces.

``interface_messages``: every HL7 v2 message (and FHIR bundle) taken, by its sender and control
id (MSH-4, MSH-10), with the acknowledgment it was answered with, so a resend is answered the
same way and applied only once. ``transport_files``: every file sent to or fetched from a
trading partner's SFTP server, by name, size and SHA-256, so a file is fetched exactly once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from claimdesk.store.tables.base import DIGEST_LEN, Base


class InterfaceMessageRow(Base):
    __tablename__ = "interface_messages"
    __table_args__ = (
        UniqueConstraint("interface", "sender", "control_id"),
        Index("ix_interface_messages_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    interface: Mapped[str] = mapped_column(String(10))  # hl7, fhir
    sender: Mapped[str] = mapped_column(String(180))  # MSH-4 sending facility
    control_id: Mapped[str] = mapped_column(String(199))  # MSH-10 (ST, up to 199)
    message_type: Mapped[str] = mapped_column(String(20))  # MSH-9: ADT^A04, DFT^P03
    received_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))  # applied, error, rejected
    ack_code: Mapped[str] = mapped_column(String(2))  # MSA-1: AA, AE, AR
    error_location: Mapped[str | None] = mapped_column(String(40))  # ERR-2: PID-3, FT1[2]-25
    error_reason: Mapped[str | None] = mapped_column(Text)
    patient_account: Mapped[str | None] = mapped_column(String(40), index=True)
    sha256: Mapped[str] = mapped_column(String(DIGEST_LEN))
    body: Mapped[str] = mapped_column(Text)
    import_id: Mapped[str | None] = mapped_column(String(40))


class TransportFileRow(Base):
    __tablename__ = "transport_files"
    __table_args__ = (UniqueConstraint("partner", "direction", "name", "size", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner: Mapped[str] = mapped_column(String(80))
    direction: Mapped[str] = mapped_column(String(8))  # sent, fetched
    name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(DIGEST_LEN))
    at: Mapped[datetime]
