"""Settings: the data home and the database URL, from the command line or the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """``CLAIMDESK_HOME`` holds the SQLite database and the X12 inbox/outbox/archive folders."""

    model_config = SettingsConfigDict(env_prefix="CLAIMDESK_")

    home: Path = Path("claimdesk-data")
    database_url: str = ""

    @property
    def effective_database_url(self) -> str:
        """``CLAIMDESK_DATABASE_URL`` when set (PostgreSQL for teams), else SQLite in the home."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'claimdesk.db').resolve()}"

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"
