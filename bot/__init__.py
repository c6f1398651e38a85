"""Our own code: the recommender, the message guard and the Rasa channel adapters."""
