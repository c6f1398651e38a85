"""`make run`: every process of the assistant on one machine, supervised (python -m bot.run)."""
