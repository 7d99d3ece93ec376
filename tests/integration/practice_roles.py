"""Dropping the PostgreSQL roles a test's practices made: roles are the cluster's, so they
outlive the test's database."""

from __future__ import annotations

from sqlalchemy import make_url, text

from claimdesk.store.engine import make_engine


def drop_roles(database_url: str, names: list[str]) -> None:
    """Roles are the cluster's: what they own in the test's database goes first, then them."""
    admin = make_engine(make_url(database_url).set(database="postgres"))
    with admin.connect() as connection:
        found = (
            connection.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"), {"names": names}
            )
            .scalars()
            .all()
        )
    admin.dispose()
    if not found:
        return
    roles = ", ".join(found)
    for url, statement in (
        (make_url(database_url), f"DROP OWNED BY {roles}"),
        (make_url(database_url).set(database="postgres"), f"DROP ROLE {roles}"),
    ):
        engine = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()
