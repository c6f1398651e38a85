"""Conversations for staff: indexed from Rasa's tracker store, listed, read back, reviewed,
flagged for the next model, exported and erased. Routes in bot/service/api/ stay thin."""
