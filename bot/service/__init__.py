"""The warm-lead service: stores hand-offs to a human mentor and notifies the mentor.

`api/` is the HTTP layer (FastAPI), `db/` the storage (SQLAlchemy 2, Alembic runner),
`notify/` the outbox and its delivery. In between: `schemas.py` and `validation.py`
(what the API accepts), `leads.py` (create once per hand-off, status workflow),
`persons.py` (export and erase one person), `erasure.py` (erase a conversation: the lead now,
Rasa's events after a delay), `transcript.py` (events -> turns and slots), `retention.py` (purge),
`cli.py`. `tracker/` reads and erases Rasa's tracker store (its own engine, never migrated).
"""
