"""Rasa's SQL tracker store, seen from the lead service: read a conversation, erase one.

`events.py` maps Rasa's `events` table (own metadata: Alembic never creates, alters or
drops it), `store.py` reads and deletes rows through an engine of its own on
TRACKER_DATABASE_URL. Rasa owns the table; we never write to it except to erase.
"""
