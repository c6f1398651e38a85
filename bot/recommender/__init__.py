"""Which form of guidance fits: training, coaching or mentoring.

Plain Python on purpose (no Rasa, no web framework): the distinctions live in
`distinctions.toml`, and everything here can be tested in milliseconds.
"""

from bot.recommender.distinctions import DIMENSIONS, FORMS, Distinctions, load_distinctions
from bot.recommender.explanation import explain, explain_more, explain_without_basis
from bot.recommender.scoring import Answers, Recommendation, next_question, recommend

__all__ = [
    "DIMENSIONS",
    "FORMS",
    "Answers",
    "Distinctions",
    "Recommendation",
    "explain",
    "explain_more",
    "explain_without_basis",
    "load_distinctions",
    "next_question",
    "recommend",
]
