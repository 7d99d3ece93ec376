"""Background jobs: the same jobs with procrastinate on PostgreSQL or in process on SQLite."""
