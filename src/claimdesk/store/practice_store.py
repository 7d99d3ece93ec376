"""A client practice's own store on PostgreSQL: a schema owned by a role of its own.

The role cannot log in; the application's login role is made a member so that each practice
connection starts as that role (``Settings.effective_database_url``). Owning only its schema,
the role sees nothing else: a query that names another practice's schema, or the company's
tables, is refused with "permission denied" (docs/tenancy.md).
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from claimdesk.config import practice_role, practice_schema


def create_practice_schema(company: Engine, practice_id: str) -> None:
    """The practice's role and schema, created when missing (running it again changes
    nothing). ``company`` connects as the application's login role, which needs CREATEROLE."""
    role = practice_role(practice_id)
    schema = practice_schema(practice_id)
    # Identifiers come from checked practice ids (lowercase letters, digits, underscores), so
    # they need no quoting; DDL takes no bind parameters.
    with company.begin() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
        ).first()
        if exists is None:
            connection.execute(text(f"CREATE ROLE {role} NOLOGIN"))
        connection.execute(text(f"GRANT {role} TO CURRENT_USER"))
        connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {role}"))
