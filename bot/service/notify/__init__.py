"""Telling mentors about leads: an outbox written with the lead, delivered and retried later.

`outbox` queues, `dispatcher` delivers (`email`, `webhook`), `escalation` moves
unanswered leads on, `worker` runs both in the app's background loop.
"""
