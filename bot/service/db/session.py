"""Engine and session factory built from Settings, plus the FastAPI session dependency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.service.db import scrub
from bot.service.settings import Settings


def engine_url(raw: str) -> str:
    """Plain `postgresql://` URLs use psycopg 3 (the driver we install), not psycopg2."""
    url = make_url(raw)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def make_engine(settings: Settings, **kwargs: Any) -> Engine:
    url = engine_url(settings.database_url)
    if url.startswith("sqlite"):
        # FastAPI runs sync routes in a thread pool: one connection may serve several threads.
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {"connect_timeout": 5} if "psycopg" in url else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked; wait for a writer instead of failing at once;
    # WAL lets staff screens read while a lead is being written (a no-op for in-memory databases).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
    scrub.secure_delete(dbapi_connection)  # erased leads leave no bytes behind (db/scrub.py)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: responses are built from objects after the commit.
    return sessionmaker(engine, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one session per request, from the factory `create_app` stored."""
    with request.app.state.sessionmaker() as session:
        yield session
