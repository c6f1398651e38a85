"""Erased means gone from SQLite's files too, not only from its tables.

SQLite keeps deleted rows' bytes in free space, and in WAL mode the pages as they were before the
delete stay in the `-wal` file until a checkpoint. So every connection that may delete personal
data turns on `secure_delete` (deleted content is overwritten with zeros), and after an erasure
`checkpoint` copies the zeroed pages into the database file and empties the `-wal` file.
PostgreSQL: nothing to do here (VACUUM reclaims dead rows; its files are not handed out).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)


def secure_delete(dbapi_connection: Any) -> None:
    """For SQLite's connect hooks: deleted content is overwritten, not just unlinked."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def checkpoint(engine: Engine) -> bool:
    """Move the WAL's pages into the database file and truncate the WAL; True when it completed."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        # Not in a transaction (a PRAGMA starts none): waits for readers, up to the busy timeout.
        busy, _frames, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        log.warning("SQLite WAL checkpoint could not finish (a reader was busy); erased rows leave the -wal file "
                    "at the next checkpoint")
    return not busy
