"""The read side: reporting and search queries in SQLAlchemy Core, on ``uow.read``."""
