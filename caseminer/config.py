"""Settings shared by every stage: where the database, raw archive and vocabulary live.

Everything has an embedded default (SQLite file in the working directory, archive and
vocabulary under the user data dir) and can be overridden with CASEMINER_* environment
variables, so a nightly job and a notebook see the same configuration.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEMINER_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///caseminer.db", description="SQLAlchemy URL of the registry DB"
    )
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("caseminer")))
    cache_dir: Path = Field(default_factory=lambda: Path(user_cache_dir("caseminer")))
    archive_dir: Path | None = Field(default=None, description="raw archive root; default <data_dir>/archive")
    vocab_path: Path | None = Field(
        default=None, description="terminology store; default <data_dir>/vocab.sqlite"
    )
    vocab_source_dir: Path | None = Field(
        default=None, description="a directory of vocabulary files in the shared/vocab layout"
    )
    topic_concepts: list[str] = Field(
        default_factory=list,
        description="ids of the disease the registry is about (a topic's focus_concepts; ingest sets them)",
    )
    ncbi_email: str | None = None
    ncbi_tool: str = "caseminer"
    ncbi_api_key: str | None = None

    @property
    def resolved_archive_dir(self) -> Path:
        return self.archive_dir or self.data_dir / "archive"

    @property
    def resolved_vocab_path(self) -> Path:
        return self.vocab_path or self.data_dir / "vocab.sqlite"


def get_settings() -> Settings:
    return Settings()
