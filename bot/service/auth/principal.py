"""Who is making a request: a staff account, or the STAFF_TOKEN automation credential."""

from __future__ import annotations

from dataclasses import dataclass

from bot.service.db.models import StaffAccount

ROLE_RANK = {"mentor": 1, "admin": 2}  # an admin may do everything a mentor may
STAFF_TOKEN_LABEL = "STAFF_TOKEN"
COMMAND_LINE_LABEL = "cli"
VISITOR_LABEL = "bezoeker (vergeet mij)"


@dataclass(frozen=True)
class Principal:
    account_id: int | None
    label: str  # what the audit log shows: the account's e-mail address, or STAFF_TOKEN
    display_name: str
    role: str

    @classmethod
    def of(cls, account: StaffAccount) -> Principal:
        return cls(account.id, account.email, account.display_name, account.role)

    @classmethod
    def automation(cls) -> Principal:
        # Not a person: the mentor e-mail flow and scripts. Admin rights, so keep it as secret as the database.
        return cls(None, STAFF_TOKEN_LABEL, "Automatisering (STAFF_TOKEN)", "admin")

    @classmethod
    def command_line(cls) -> Principal:
        # Whoever can run the CLI can read DATABASE_URL anyway; the audit log still says it was the CLI.
        return cls(None, COMMAND_LINE_LABEL, "Opdrachtregel", "admin")

    @classmethod
    def visitor(cls) -> Principal:
        # The visitor's own "vergeet mij", relayed by the action server with SERVICE_TOKEN.
        return cls(None, VISITOR_LABEL, "Bezoeker", "mentor")

    def may(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]
