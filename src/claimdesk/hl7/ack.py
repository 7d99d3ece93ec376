"""Acknowledgments (HL7 v2 original mode): MSA-1 AA when the message was applied, AE when it
was kept but could not be applied (with ERR saying where and why), AR when it cannot be taken."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from claimdesk.hl7.message import ENCODING_CHARACTERS, Header, Problem

ACK_APPLICATION = "CLAIMDESK"
# HL7 2.5.1 MSH-10 is at most 20 characters; the ACK's own control id is derived from the
# message's, so a resend is answered with the same one.
CONTROL_ID_LENGTH = 20


class AckCode(StrEnum):
    ACCEPTED = "AA"
    ERROR = "AE"
    REJECTED = "AR"


_ESCAPES = (("\\", "\\E\\"), ("|", "\\F\\"), ("^", "\\S\\"), ("~", "\\R\\"), ("&", "\\T\\"))


def escaped(text: str) -> str:
    """Text placed in a field: the separators written as their escape sequences (HL7 2.7)."""
    for raw, escape in _ESCAPES:
        text = text.replace(raw, escape)
    return " ".join(text.split())


def acknowledgment(
    header: Header | None,
    code: AckCode,
    problems: Sequence[Problem] = (),
    *,
    now: datetime,
) -> str:
    """The ACK for a message with ``header`` (``None``: one whose header could not be read)."""
    control_id = header.control_id if header is not None else ""
    version = header.version if header is not None and header.version else "2.5.1"
    event = header.event if header is not None else ""
    msh = [
        "MSH",
        ENCODING_CHARACTERS,
        ACK_APPLICATION,
        escaped(header.receiving_facility) if header is not None else "",
        escaped(header.sending_application) if header is not None else "",
        escaped(header.sender) if header is not None else "",
        now.strftime("%Y%m%d%H%M%S"),
        "",
        f"ACK^{escaped(event)}^ACK" if event else "ACK",
        escaped(f"A{control_id}")[:CONTROL_ID_LENGTH],
        "P",
        version,
    ]
    # MSA-3 (80 characters in 2.5.1): cut before escaping, so no escape sequence is cut in two.
    text_message = escaped(problems[0].reason[:80]) if problems else ""
    segments = ["|".join(msh), "|".join(["MSA", code.value, escaped(control_id), text_message])]
    for problem in problems:
        segments.append(
            "|".join(
                [
                    "ERR",
                    "",
                    problem.location.erl(),
                    f"{problem.code}^^HL70357",
                    "E",
                    "",
                    "",
                    "",
                    escaped(problem.reason),
                ]
            )
        )
    return "\r".join(segments) + "\r"
