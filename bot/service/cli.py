"""Commands staff can schedule: `python -m bot.service.cli migrate | purge`."""

from __future__ import annotations

import argparse
import logging
import sys

from bot.service.db import migrate
from bot.service.db.session import make_engine, make_sessionmaker
from bot.service.db.types import utcnow
from bot.service.retention import purge_channel_links, purge_done_erasures, purge_expired
from bot.service.settings import get_settings


def run_migrate() -> int:
    migrate.upgrade(get_settings().database_url)
    print("Database bijgewerkt tot de laatste migratie.")
    return 0


def run_purge() -> int:
    settings = get_settings()
    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine)() as session:
            now = utcnow()
            erased = purge_expired(session, settings.retention_days, now)
            erasures = purge_done_erasures(session, settings.retention_days, now)
            links = purge_channel_links(session, settings.retention_days, now)
    finally:
        engine.dispose()
    print(f"{erased.leads} lead(s) ouder dan {settings.retention_days} dagen verwijderd.")
    print(f"{erasures} afgehandeld(e) wisverzoek(en) ouder dan {settings.retention_days} dagen opgeruimd.")
    print(f"{links} Telegram-koppeling(en) ouder dan {settings.retention_days} dagen opgeruimd.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.service.cli", description="Mentorwijzer leadservice")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="alembic upgrade head on DATABASE_URL")
    commands.add_parser("purge", help="delete leads, done erasure records and channel links older than RETENTION_DAYS")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return {"migrate": run_migrate, "purge": run_purge}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
