"""Alembic migrations shipped with the package; run them with ``claimdesk init``."""
