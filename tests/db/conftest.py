"""The store tests run on SQLite and on a real PostgreSQL.

PostgreSQL comes from CASEMINER_TEST_PG_URL, or else a throwaway server is started here from
Debian's PostgreSQL 15 binaries (as the unprivileged `postgres` user when we are root), in a
temporary data directory, on 127.0.0.1 and a free port, and stopped at the end of the session.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from caseminer.db import init_db

PG_BIN = Path(os.environ.get("CASEMINER_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="caseminer-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.root, user="postgres")
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user, "--no-sync"])
        self._run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off",
                "start",
            ]
        )
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"], check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, command: list[str], check: bool = True) -> None:
        subprocess.run(_as_server_user(command), check=check, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    configured = os.environ.get("CASEMINER_TEST_PG_URL")
    if configured:
        yield configured
        return
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL binaries not found in {PG_BIN} and CASEMINER_TEST_PG_URL is not set")
    server = ThrowawayPostgres()
    try:
        url = server.start()
    except subprocess.CalledProcessError as error:
        server.stop()
        pytest.fail(f"could not start a throwaway PostgreSQL: {error.stderr.decode(errors='replace')}")
    yield url
    server.stop()


def _fresh_postgres_database(server_url: str) -> str:
    """A new empty database on the server, so each test starts clean."""
    name = f"caseminer_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    return _fresh_postgres_database(request.getfixturevalue("postgres_server_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = init_db(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> str:
    """A fresh database on the PostgreSQL server, for tests that only make sense there."""
    return _fresh_postgres_database(postgres_server_url)
