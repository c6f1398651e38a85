"""Rasa custom actions: thin adapters between the Rasa tracker and `bot`."""
