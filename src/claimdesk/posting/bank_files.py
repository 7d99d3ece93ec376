"""Bank files read into deposits: BAI2 (the banks' cash-management format) and a plain CSV.

BAI2 is read with the ``bai2`` package, which also checks its control totals and record counts
(each account's 49, group's 98 and file's 99 trailer). Only credit details (16 records whose
type code is a credit) are deposits. The trace is taken from the detail's text when it holds the
CCD+ addenda ``TRN*1*<trace>*<payer id>`` (NACHA's health-care EFT, CAQH CORE rule 370), else
from the customer reference (a check number). A bad file is refused whole with the file, the
record (line) and the field named; nothing here stores anything.

The CSV layout is documented in ``docs/deposits.md``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from bai2 import bai2 as bai2_io  # type: ignore[import-untyped]
from bai2.constants import (  # type: ignore[import-untyped]
    AsOfDateModifier,
    GroupStatus,
    TypeCodes,
    TypeCodeTransaction,
)
from bai2.exceptions import (  # type: ignore[import-untyped]
    IntegrityException,
    NotSupportedYetException,
    ParsingException,
)
from bai2.helpers import IteratorHelper  # type: ignore[import-untyped]
from bai2.models import (  # type: ignore[import-untyped]
    Account,
    AccountIdentifier,
    AccountTrailer,
    Bai2File,
    Bai2FileHeader,
    Bai2FileTrailer,
    Group,
    GroupHeader,
    GroupTrailer,
    TransactionDetail,
)
from bai2.parsers import Bai2FileParser  # type: ignore[import-untyped]

from claimdesk.domain.money import Money, MoneyError, parse_dollars

BAI2 = "bai2"
CSV = "csv"
CSV_REQUIRED = ("date", "amount", "trace")
CSV_COLUMNS = (*CSV_REQUIRED, "payer_id", "payer_name", "account", "kind")
KINDS = frozenset({"ach", "check", "lockbox", "wire"})
# The BAI2 type codes a deposit is written with, and the kind each one is read as.
ACH_CREDIT = "165"  # preauthorized ACH credit: a payer's EFT
LOCKBOX_DEPOSIT = "115"
CHECK_DEPOSIT = "301"  # commercial deposit: checks a person took to the bank
WIRE = "195"
_KIND_OF_CODE = {
    ACH_CREDIT: "ach",
    LOCKBOX_DEPOSIT: "lockbox",
    CHECK_DEPOSIT: "check",
    WIRE: "wire",
}
_CODE_OF_KIND = {kind: code for code, kind in _KIND_OF_CODE.items()}
_TRN = re.compile(r"TRN\*1\*([^*\\~]+)(?:\*([^*\\~]*))?")
_DIGITS = re.compile(r"-?\d+", re.ASCII)
_UNSIGNED = re.compile(r"\d+", re.ASCII)
# The numeric fields of each BAI2 record, by position after the record code, checked before the
# library reads them so a bad one is named.
_NUMERIC = {
    "16": {2: "amount"},
    "49": {1: "account control total", 2: "number of records"},
    "98": {1: "group control total", 2: "number of accounts", 3: "number of records"},
    "99": {1: "file control total", 2: "number of groups", 3: "number of records"},
}
_TRAILERS = {"Account": "49", "Group": "98", "Bai2File": "99"}
_RECORD_NAMES = {
    "01": "file header",
    "02": "group header",
    "03": "account identifier",
    "16": "transaction detail",
    "49": "account trailer",
    "88": "continuation",
    "98": "group trailer",
    "99": "file trailer",
}


class BankFileError(ValueError):
    """A bank file refused whole: which file, record, field, and why."""

    def __init__(self, name: str, record: str, field: str, reason: str) -> None:
        self.name = name
        self.record = record
        self.field = field
        self.reason = reason
        super().__init__(f"{name}: {record}, field {field}: {reason}; nothing was imported")


@dataclass(frozen=True, slots=True)
class BankDeposit:
    record: str  # where in the file: "line 7 (16 transaction detail)", "row 3"
    bank_account: str
    deposit_date: date
    amount: Money
    trace: str
    payer_id: str = ""
    payer_name: str = ""
    kind: str = "ach"


@dataclass(frozen=True, slots=True)
class BankFile:
    layout: str
    deposits: tuple[BankDeposit, ...]


def read_bank_file(name: str, text: str) -> BankFile:
    """The deposits of a BAI2 or CSV bank file; :class:`BankFileError` for anything else."""
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith("01,"):
        return BankFile(BAI2, tuple(_read_bai2(name, stripped)))
    first = stripped.splitlines()[0] if stripped else ""
    header = [c.strip().lower() for c in first.split(",")]
    if all(column in header for column in CSV_REQUIRED):
        return BankFile(CSV, tuple(_read_csv(name, stripped)))
    raise BankFileError(
        name,
        "line 1",
        "layout",
        "unknown layout: neither BAI2 (a 01 file header) nor the CSV layout of docs/deposits.md "
        f"(a header with {', '.join(CSV_REQUIRED)})",
    )


# BAI2


def _record(line: int, code: str) -> str:
    return f"line {line} ({code} {_RECORD_NAMES.get(code, 'record')})"


def _check_fields(name: str, lines: Sequence[tuple[int, str]]) -> None:
    for number, line in lines:
        code = line[:2]
        if code not in _RECORD_NAMES:
            raise BankFileError(
                name, f"line {number}", "record code", f"{code!r} is no BAI2 record"
            )
        if len(line) > 2 and line[2] != ",":
            raise BankFileError(
                name, _record(number, code), "separator", "a comma must follow the record code"
            )
        fields = line.rstrip("/").split(",")
        for position, field in _NUMERIC.get(code, {}).items():
            value = fields[position] if position < len(fields) else ""
            # Detail amounts are unsigned (the type code says credit or debit); control
            # totals may be negative.
            pattern = _UNSIGNED if code == "16" else _DIGITS
            if not pattern.fullmatch(value):
                raise BankFileError(
                    name, _record(number, code), field, f"{value!r} is not a whole number"
                )
        if code == "16" and len(fields) > 1 and fields[1] not in TypeCodes:
            raise BankFileError(
                name, _record(number, code), "type code", f"{fields[1]!r} is no BAI2 type code"
            )


class _Counted:
    """The file's lines handed to the parser one by one, remembering how far it has read, so a
    failure names the record it was on."""

    def __init__(self, lines: Sequence[tuple[int, str]]) -> None:
        self.lines = lines
        self.read = 0

    def __iter__(self) -> Iterator[str]:
        for _number, line in self.lines:
            self.read += 1
            yield line

    def record_at_failure(self, helper: IteratorHelper | None, trailer: str | None) -> str:
        """The record the parser stood on; for a failed control total or count, the trailer of
        the section it had just read (the parser checks a section after reading its trailer)."""
        seen = self.lines[: self.read]
        if trailer is not None:
            for number, line in reversed(seen):
                if line.startswith(trailer):
                    return _record(number, trailer)
        if helper is not None and helper.current_record is not None:
            rows = len(helper.current_record.rows)
            ahead = 1 if self.read < len(self.lines) else 0
            index = max(self.read - rows - ahead, 0)
            number, line = self.lines[min(index, len(self.lines) - 1)]
            return _record(number, line[:2])
        number, line = seen[-1] if seen else self.lines[0]
        return _record(number, line[:2])


def _parse_bai2(name: str, lines: Sequence[tuple[int, str]]) -> Bai2File:
    counted = _Counted(lines)
    helper: IteratorHelper | None = None
    try:
        helper = IteratorHelper(iter(counted))
        return Bai2FileParser(helper).parse()
    except IntegrityException as exc:
        message = str(exc)
        section = message.split(" for ", 1)[-1].split(".", 1)[0]
        trailer = _TRAILERS.get(section)
        field = message.split(" for ", 1)[0].removeprefix("Invalid ")
        raise BankFileError(
            name, counted.record_at_failure(helper, trailer), field, message
        ) from exc
    except (
        ParsingException,
        NotSupportedYetException,
        ValueError,
        IndexError,
        KeyError,
        TypeError,
        StopIteration,
    ) as exc:
        reason = str(exc) or "the file ends before its trailers"
        raise BankFileError(
            name, counted.record_at_failure(helper, None), "structure", reason
        ) from exc


def _read_bai2(name: str, text: str) -> list[BankDeposit]:
    lines = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    _check_fields(name, lines)
    parsed = _parse_bai2(name, lines)
    details = [(n, line) for n, line in lines if line[:2] == "16"]
    found: list[BankDeposit] = []
    position = 0
    groups = [n for n, line in lines if line[:2] == "02"]
    for number, group in zip(groups, parsed.children, strict=True):
        as_of = group.header.as_of_date
        if not isinstance(as_of, date):
            raise BankFileError(name, _record(number, "02"), "as-of date", "missing (YYMMDD)")
        for account in group.children:
            for detail in account.children:
                number = details[position][0]
                position += 1
                code = detail.type_code
                if code.transaction is not TypeCodeTransaction.credit or not detail.amount:
                    continue
                found.append(_deposit_of(detail, account, as_of, _record(number, "16")))
    return found


def _deposit_of(
    detail: TransactionDetail, account: Account, as_of: date, where: str
) -> BankDeposit:
    text = (detail.text or "").strip()
    trn = _TRN.search(text)
    trace = trn.group(1).strip() if trn else (detail.customer_reference or "").strip()
    payer_id = (trn.group(2) or "").strip() if trn else ""
    payer_name = _TRN.sub("", text).strip(" \\/*") if trn else text
    return BankDeposit(
        record=where,
        bank_account=account.header.customer_account_number or "",
        deposit_date=as_of,
        amount=Money.from_cents(int(detail.amount)),
        trace=trace,
        payer_id=payer_id,
        payer_name=payer_name[:80],
        kind=_KIND_OF_CODE.get(detail.type_code.code, "ach"),
    )


def bai2_text(
    deposits: Sequence[BankDeposit], *, sender: str, receiver: str, created: date, file_id: str
) -> str:
    """A BAI2 file of ``deposits``: one group per deposit date, one account per bank account,
    one 16 record per deposit (what a bank's previous-day report holds)."""
    groups = []
    for day in sorted({d.deposit_date for d in deposits}):
        accounts = []
        for number in sorted({d.bank_account for d in deposits if d.deposit_date == day}):
            details = [
                TransactionDetail(
                    type_code=TypeCodes[_CODE_OF_KIND.get(d.kind, ACH_CREDIT)],
                    amount=d.amount.cents,
                    customer_reference=d.trace,
                    text=f"TRN*1*{d.trace}*{d.payer_id}\\ {d.payer_name}".strip(),
                )
                for d in deposits
                if d.deposit_date == day and d.bank_account == number
            ]
            accounts.append(
                Account(
                    header=AccountIdentifier(customer_account_number=number, currency="USD"),
                    trailer=AccountTrailer(),
                    children=details,
                )
            )
        groups.append(
            Group(
                header=GroupHeader(
                    ultimate_receiver_id=receiver,
                    originator_id=sender,
                    group_status=GroupStatus.update,
                    as_of_date=day,
                    currency="USD",
                    as_of_date_modifier=AsOfDateModifier.final_previous_day,
                ),
                trailer=GroupTrailer(),
                children=accounts,
            )
        )
    model = Bai2File(
        header=Bai2FileHeader(
            sender_id=sender,
            receiver_id=receiver,
            creation_date=created,
            file_id=file_id,
            version_number=2,
        ),
        trailer=Bai2FileTrailer(),
        children=groups,
    )
    return str(bai2_io.write(model)) + "\n"


# CSV


def _read_csv(name: str, text: str) -> list[BankDeposit]:
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip().lower() for c in reader.fieldnames or ()]
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown:
        raise BankFileError(
            name,
            "row 1 (header)",
            unknown[0],
            f"unknown column; the layout has {', '.join(CSV_COLUMNS)}",
        )
    found: list[BankDeposit] = []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        where = f"row {number}"
        try:
            day = date.fromisoformat(row["date"])
        except ValueError as exc:
            raise BankFileError(name, where, "date", f"{row['date']!r} is not YYYY-MM-DD") from exc
        try:
            amount = parse_dollars(row["amount"])
        except MoneyError as exc:
            raise BankFileError(name, where, "amount", str(exc)) from exc
        if not amount.is_positive():
            raise BankFileError(name, where, "amount", "a deposit is more than 0.00")
        if not row["trace"]:
            raise BankFileError(name, where, "trace", "empty: the EFT trace or check number")
        kind = row.get("kind") or "ach"
        if kind not in KINDS:
            raise BankFileError(name, where, "kind", f"{kind!r} is not one of {sorted(KINDS)}")
        found.append(
            BankDeposit(
                record=where,
                bank_account=row.get("account", "")[:40],
                deposit_date=day,
                amount=amount,
                trace=row["trace"][:50],
                payer_id=row.get("payer_id", "")[:80],
                payer_name=row.get("payer_name", "")[:80],
                kind=kind,
            )
        )
    return found
