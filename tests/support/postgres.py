"""Throwaway databases on the local PostgreSQL server, for the service tests, the e2e tests and
the benchmarks. Unreachable: the test skips, unless REQUIRE_SERVICES=1 (CI), where it fails."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def service_missing(message: str) -> NoReturn:
    """Skip the test for a missing service, or fail it where services are required (CI)."""
    if REQUIRE_SERVICES:
        pytest.fail(message + " (REQUIRE_SERVICES=1)")
    pytest.skip(message)
# A maintenance database on the local server; the tests create and drop their own next to it.
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def admin_engine() -> Engine:
    """An AUTOCOMMIT engine on the maintenance database, or a skip (a failure in CI)."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL unreachable at {make_url(POSTGRES_ADMIN_URL).host}: {type(exc).__name__}"
        service_missing(message)
    return admin


@contextmanager
def throwaway_databases(admin: Engine, prefix: str = "mw_test") -> Iterator[Callable[[], str]]:
    """A factory of empty databases `<prefix>_<random>` (their URLs); all dropped at the end."""
    created: list[str] = []

    def make() -> str:
        name = f"{prefix}_{secrets.token_hex(6)}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    try:
        yield make
    finally:
        with admin.connect() as connection:
            for name in created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def set_connections(admin: Engine, database: str, allowed: bool) -> None:
    """Let the server accept or refuse new connections to `database`; refusing also ends the open ones,
    as when the database restarts or fails over."""
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                               {"name": database})


@contextmanager
def connections_refused(admin: Engine, database: str) -> Iterator[None]:
    """`database` refuses connections inside the block, and accepts them again afterwards, whatever happened."""
    set_connections(admin, database, allowed=False)
    try:
        yield
    finally:
        set_connections(admin, database, allowed=True)
