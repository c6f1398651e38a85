"""Commands staff can schedule or run: `python -m bot.service.cli migrate | purge`, and the staff
accounts: `create-staff | set-password | deactivate | list-staff`."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.service.auth import accounts, audit
from bot.service.auth.passwords import WeakPassword
from bot.service.auth.principal import Principal
from bot.service.auth.schemas import DisplayName
from bot.service.conversations.indexer import catch_up
from bot.service.db import migrate
from bot.service.db.models import STAFF_ROLES, StaffAccount
from bot.service.db.session import make_engine, make_sessionmaker
from bot.service.db.types import utcnow
from bot.service.retention import purge_channel_links, purge_conversations, purge_done_erasures, purge_expired
from bot.service.schemas import Email
from bot.service.settings import get_settings
from bot.service.tracker.store import TrackerStore


class CommandError(Exception):
    """A Dutch message for the person at the terminal; the command exits with 1."""


@contextmanager
def database() -> Iterator[Session]:
    engine = make_engine(get_settings())
    try:
        with make_sessionmaker(engine)() as session:
            yield session
    finally:
        engine.dispose()


def run_migrate(args: argparse.Namespace) -> int:
    migrate.upgrade(get_settings().database_url)
    print("Database bijgewerkt tot de laatste migratie.")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    settings = get_settings()
    with database() as session:
        now = utcnow()
        erased = purge_expired(session, settings.retention_days, now)
        visitors = _purge_conversations(session, settings.retention_days, now)
        erasures = purge_done_erasures(session, settings.retention_days, now)
        links = purge_channel_links(session, settings.retention_days, now)
        audit.record(session, Principal.command_line(), "retention.purge", detail={
            "retention_days": settings.retention_days, "leads": erased.leads, "visitors": visitors,
            "erasure_records": erasures, "channel_links": links})
        session.commit()
    print(f"{erased.leads} lead(s) ouder dan {settings.retention_days} dagen verwijderd.")
    print(f"Gesprekken van {visitors} bezoeker(s) die langer dan {settings.retention_days} dagen weg zijn verwijderd.")
    print(f"{erasures} afgehandeld(e) wisverzoek(en) ouder dan {settings.retention_days} dagen opgeruimd.")
    print(f"{links} Telegram-koppeling(en) ouder dan {settings.retention_days} dagen opgeruimd.")
    return 0


def _purge_conversations(session: Session, retention_days: int, now) -> int:
    """Index first, so a conversation Rasa stored since the service last looked is judged too."""
    settings = get_settings()
    tracker = TrackerStore(settings.tracker_database_url)
    try:
        catch_up(make_sessionmaker(session.get_bind()), tracker)
        return purge_conversations(session, tracker, retention_days, now)
    finally:
        tracker.dispose()


# --- staff accounts ----------------------------------------------------------------------------


def _valid(adapter: TypeAdapter, value: str, what: str) -> str:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        raise CommandError(f"Dit is geen geldig(e) {what}: {value!r}") from None


_EMAIL = TypeAdapter(Email)
_NAME = TypeAdapter(DisplayName)


def read_password(from_stdin: bool) -> str:
    """One line from standard input (scripts), or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Wachtwoord (minstens 12 tekens): ")
    if getpass.getpass("Nog een keer: ") != password:
        raise CommandError("De twee wachtwoorden zijn niet gelijk.")
    return password


def _account(session: Session, email: str) -> StaffAccount:
    account = accounts.find(session, email)
    if account is None:
        raise CommandError(f"Er is geen account met e-mailadres {email}.")
    return account


def run_create_staff(args: argparse.Namespace) -> int:
    email = _valid(_EMAIL, args.email, "e-mailadres")
    name = _valid(_NAME, args.name, "naam")
    password = read_password(args.password_stdin)
    with database() as session:
        try:
            account = accounts.create(session, email, name, args.role, password)
        except WeakPassword as weak:
            raise CommandError(str(weak)) from None
        except accounts.AccountExists:
            raise CommandError(f"Er is al een account met e-mailadres {email}.") from None
        audit.record(session, Principal.command_line(), "account.create", f"account:{account.id}", {"role": args.role})
        session.commit()
    print(f"Account aangemaakt: {account.email} ({account.role}).")
    return 0


def run_set_password(args: argparse.Namespace) -> int:
    password = read_password(args.password_stdin)
    with database() as session:
        account = _account(session, args.email)
        try:
            accounts.set_password(session, account, password)
        except WeakPassword as weak:
            raise CommandError(str(weak)) from None
        audit.record(session, Principal.command_line(), "account.password_reset", f"account:{account.id}")
        session.commit()
    print(f"Nieuw wachtwoord ingesteld voor {account.email}; bestaande sessies en tokens zijn vervallen.")
    return 0


def run_deactivate(args: argparse.Namespace) -> int:
    with database() as session:
        account = _account(session, args.email)
        if account.active:
            accounts.deactivate(session, account)
            audit.record(session, Principal.command_line(), "account.deactivate", f"account:{account.id}")
            session.commit()
    print(f"Account {account.email} is gedeactiveerd en overal uitgelogd.")
    return 0


def run_list_staff(args: argparse.Namespace) -> int:
    with database() as session:
        found = list(session.scalars(select(StaffAccount).order_by(StaffAccount.email)))
    if not found:
        print("Nog geen staffaccounts. Maak er een met: python -m bot.service.cli create-staff")
    for account in found:
        state = "actief" if account.active else "gedeactiveerd"
        last = account.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if account.last_login_at else "nooit"
        print(f"{account.email}\t{account.display_name}\t{account.role}\t{state}\tlaatst ingelogd: {last}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.service.cli", description="Mentorwijzer leadservice")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="alembic upgrade head on DATABASE_URL")
    commands.add_parser("purge", help="delete leads, done erasure records and channel links older than RETENTION_DAYS")

    create = commands.add_parser("create-staff", help="create a staff account (password asked, or --password-stdin)")
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True, help="display name, shown on the staff pages")
    create.add_argument("--role", required=True, choices=STAFF_ROLES)
    create.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    password = commands.add_parser("set-password", help="set a new password; ends the account's sessions and tokens")
    password.add_argument("--email", required=True)
    password.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    deactivate = commands.add_parser("deactivate", help="deactivate a staff account; logs it out everywhere")
    deactivate.add_argument("--email", required=True)
    commands.add_parser("list-staff", help="list the staff accounts")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "migrate": run_migrate,
        "purge": run_purge,
        "create-staff": run_create_staff,
        "set-password": run_set_password,
        "deactivate": run_deactivate,
        "list-staff": run_list_staff,
    }
    try:
        return handlers[args.command](args)
    except CommandError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
