"""One writer at a time per conversation, for the two rules that must not overtake each other.

A hand-off checks "did the visitor ask to erase after this consent?" and then stores the lead;
"vergeet mij" records the erasure and deletes the leads before it. Run side by side in two
transactions, each could miss the other's write and a lead would survive its erasure. Both take
this lock first, so one waits for the other's commit and then sees it.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_conversation(session: Session, conversation_id: str) -> None:
    """Held until the session's transaction ends (commit or rollback)."""
    if session.get_bind().dialect.name == "postgresql":
        # Across service instances; a 64-bit hash of the id names the lock (a collision only waits).
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:id, 0))"), {"id": conversation_id})
    else:
        # SQLite has one writer at a time: a write, even one that changes nothing, takes that lock
        # now, before the reads, instead of at the first real write after them.
        session.execute(text("UPDATE conversation_erasures SET id = id WHERE 0"))
