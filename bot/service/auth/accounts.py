"""Staff accounts: create, authenticate, change password, deactivate. Shared by the CLI and the API."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.service.auth import passwords
from bot.service.db.models import StaffAccount
from bot.service.db.types import utcnow


class AccountExists(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find(session: Session, email: str) -> StaffAccount | None:
    return session.scalars(select(StaffAccount).where(StaffAccount.email == normalise_email(email))).first()


def create(session: Session, email: str, display_name: str, role: str, password: str) -> StaffAccount:
    """Checks the password's strength (WeakPassword) and the address (AccountExists); does not commit."""
    email = normalise_email(email)
    passwords.check_strength(password, email=email, name=display_name)
    if session.scalar(select(func.count()).select_from(StaffAccount).where(StaffAccount.email == email)):
        raise AccountExists(email)
    account = StaffAccount(
        email=email,
        display_name=display_name.strip(),
        role=role,
        password_hash=passwords.hash_password(password),
        active=True,
        credentials_version=0,
    )
    session.add(account)
    session.flush()  # the id, for the audit log
    return account


def authenticate(session: Session, email: str, password: str) -> StaffAccount | None:
    """The active account with this password, or None: unknown, wrong and deactivated look the same."""
    account = find(session, email)
    if account is None:
        passwords.verify_nobody(password)
        return None
    checked = passwords.verify(account.password_hash, password)
    if not checked.ok or not account.active:
        return None
    if checked.new_hash:
        account.password_hash = checked.new_hash
    account.last_login_at = utcnow()
    session.commit()
    return account


def set_password(session: Session, account: StaffAccount, password: str) -> None:
    """Also ends every token and session issued with the old password; does not commit."""
    passwords.check_strength(password, email=account.email, name=account.display_name)
    account.password_hash = passwords.hash_password(password)
    account.credentials_version += 1


def deactivate(session: Session, account: StaffAccount) -> None:
    """Logs the account out everywhere; the row stays, for the audit log. Does not commit."""
    account.active = False
    account.credentials_version += 1
