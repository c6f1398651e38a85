"""Which entity values the assistant understands (plain Python, shared with tests)."""

from __future__ import annotations

from bot.recommender.distinctions import DIMENSIONS, load_distinctions


def is_canonical(entity: object, value: object) -> bool:
    """Dimension entities need a known value; other entities pass untouched."""
    if entity not in DIMENSIONS:
        return True
    return load_distinctions().knows(entity, value)
