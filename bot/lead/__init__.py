"""The warm hand-off to a human mentor, conversation side: reading contact details,
names and yes/no replies, the consent texts, and the lead the service receives.

Plain Python (no Rasa): the actions in `actions/handoff.py` stay thin.
"""
