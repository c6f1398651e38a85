"""Alembic environment: the URL comes from Settings unless the caller set `sqlalchemy.url`."""

from __future__ import annotations

from logging.config import fileConfig
from pathlib import Path

from alembic import context
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import make_url

from bot.service.db import conversation_models, models  # noqa: F401  (register the tables)
from bot.service.db.base import Base
from bot.service.db.session import engine_url
from bot.service.settings import get_settings

config = context.config
# Only when run as the `alembic` command; tests and the CLI keep their own logging.
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = engine_url(config.get_main_option("sqlalchemy.url") or get_settings().database_url)
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
        # The default SQLite file lives in var/, which a fresh checkout does not have yet.
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return url


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Only our own tables: Rasa's `events` may share this database and is never ours to alter."""
    return type_ != "table" or name in Base.metadata.tables


def run_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=Base.metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,  # SQLite can only ALTER by copying the table
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
