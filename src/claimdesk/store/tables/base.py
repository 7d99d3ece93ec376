"""The declarative base all tables share, so the schema stays one metadata for alembic.

Natural keys from the practice bundle (payer id, NPI, account numbers, encounter id) are the
primary keys where they are a single column, so foreign keys read like the domain and an import
needs no id lookups. Composite natural keys get a surrogate id and a unique constraint.
Enumerations are stored as their string or integer values; the repositories map them back.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import DeclarativeBase

from claimdesk.store.types import ScaledDecimal, UtcDateTime, money_type

# Stable constraint names, so migrations can refer to them on both engines.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Address columns are repeated per table rather than normalised: an address belongs to its owner.
ADDRESS_LEN = 55  # N301 / N302 maximum length
NAME_LEN = 60  # NM103 maximum length
USER_LEN = 80
PAYER_LEN = 80
COVERAGE_LEN = 80
CLAIM_LEN = 38  # CLM01
QUEUE_LEN = 40
DIGEST_LEN = 64  # hex SHA-256


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), Decimal: money_type()}


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapping, for fast bulk statements."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def fraction() -> ScaledDecimal:
    """A coinsurance fraction (.2 is 20 percent), exact to the hundredth of a percent."""
    return ScaledDecimal(6, 4)
