"""Score the forms of guidance, decide when enough is known, and pick the next question."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

from bot.recommender.distinctions import DIMENSIONS, FORMS, Criterion, Distinctions, load_distinctions

# The mentoring variant follows from the recognised need when there is one.
VARIANT_BY_NEED = {
    "career": "career",
    "onboarding": "career",
    "leadership": "leadership",
    "personal_growth": "personal_growth",
    "reverse": "reverse",
    "program": "program",
}
VARIANT_BY_SCOPE = {"work": "career", "life": "personal_growth"}
# Needs whose mentor (career or personal growth) the scope answer decides;
# onboarding is about the workplace by definition.
SCOPE_DECIDES = frozenset({"career", "personal_growth"})
# Coaching and mentoring this close together: advise combining them (Ambits 2020).
COMBINATION_MARGIN = 1.5
# Softmax temperature for the confidence: one point of difference is not certainty.
CONFIDENCE_TEMPERATURE = 2.0
MAX_REASONS = 3


@dataclass(frozen=True)
class Answers:
    """What we know about the visitor: the recognised need and the guided answers."""

    need: str | None = None
    goal: str | None = None
    horizon: str | None = None
    setting: str | None = None
    guide_role: str | None = None
    scope: str | None = None
    # Questions answered with "weet ik niet": never asked again, count for nothing.
    skipped: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_slots(cls, slots: Mapping[str, object]) -> Answers:
        """Build from Rasa-style slot values; unknown values are ignored, not trusted."""
        distinctions = load_distinctions()

        def known(dimension: str) -> str | None:
            value = slots.get(dimension)
            return value if distinctions.knows(dimension, value) else None  # type: ignore[return-value]

        skipped = slots.get("skipped_questions")
        skipped = skipped if isinstance(skipped, (list, tuple)) else []
        return cls(
            need=known("need"),
            skipped=frozenset(d for d in skipped if isinstance(d, str) and d in DIMENSIONS),
            **{dimension: known(dimension) for dimension in DIMENSIONS},
        )

    def value(self, dimension: str) -> str | None:
        return getattr(self, dimension)

    def open_dimensions(self) -> list[str]:
        return [d for d in DIMENSIONS if self.value(d) is None and d not in self.skipped]

    def known_criteria(self, distinctions: Distinctions) -> list[Criterion]:
        found = [distinctions.criterion("need", self.need)]
        found += [distinctions.criterion(d, self.value(d)) for d in DIMENSIONS]
        return [c for c in found if c is not None]


@dataclass(frozen=True)
class Reason:
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    form: str
    variant: str | None
    runner_up: str
    scores: dict[str, float]
    confidence: float
    reasons: tuple[Reason, ...]
    why_not: Reason
    combination: Reason | None
    settled: bool
    # False when every question was skipped: then there is nothing to base advice on.
    informed: bool = True


def scores(answers: Answers, distinctions: Distinctions | None = None) -> dict[str, float]:
    distinctions = distinctions or load_distinctions()
    totals = dict.fromkeys(FORMS, 0.0)
    for criterion in answers.known_criteria(distinctions):
        for form in FORMS:
            totals[form] += criterion.points[form]
    return totals


def ranking(totals: Mapping[str, float]) -> list[str]:
    """Forms from best to worst; ties keep the order of FORMS."""
    return sorted(FORMS, key=lambda form: (-totals[form], FORMS.index(form)))


def mentoring_variant(answers: Answers) -> str | None:
    """The mentoring variant: from the need, but a career-or-life question is settled by the scope answer.

    Loopbaan- and groeimentors differ exactly in whether work or the whole
    person is the starting point (source: 'Mentoring: loopbaan begeleiding of
    voor persoonlijke groei'), so the visitor's own answer beats the
    classifier's reading of their opening line.
    """
    from_scope = VARIANT_BY_SCOPE.get(answers.scope or "")
    if answers.need in SCOPE_DECIDES and from_scope:
        return from_scope
    return VARIANT_BY_NEED.get(answers.need or "") or from_scope


def leader_is_fixed(answers: Answers, distinctions: Distinctions | None = None) -> bool:
    """True when no combination of the open answers could change the leading form.

    For every other form we add up the most it could still gain on the leader
    over the open questions. A form that could only draw level overtakes the
    leader only if it wins the tie-break (it comes first in FORMS).
    """
    distinctions = distinctions or load_distinctions()
    totals = scores(answers, distinctions)
    leader, *others = ranking(totals)
    open_dimensions = answers.open_dimensions()
    for other in others:
        margin = totals[leader] - totals[other]
        gain = _max_gain(other, leader, open_dimensions, distinctions)
        if gain > margin or (gain == margin and FORMS.index(other) < FORMS.index(leader)):
            return False
    return True


def needs_variant(answers: Answers, distinctions: Distinctions | None = None) -> bool:
    """Mentoring leads and the open scope question would still decide its variant."""
    leader = ranking(scores(answers, distinctions))[0]
    if leader != "mentoring" or "scope" not in answers.open_dimensions():
        return False
    return mentoring_variant(answers) is None or answers.need in SCOPE_DECIDES


def is_settled(answers: Answers, distinctions: Distinctions | None = None) -> bool:
    """True when no open answer could change the advice (the form, and for mentoring its variant)."""
    return leader_is_fixed(answers, distinctions) and not needs_variant(answers, distinctions)


def next_question(answers: Answers, distinctions: Distinctions | None = None) -> str | None:
    """The open question that best separates the leading forms, or None when settled."""
    distinctions = distinctions or load_distinctions()
    open_dimensions = answers.open_dimensions()
    if not open_dimensions:
        return None
    if leader_is_fixed(answers, distinctions):
        return "scope" if needs_variant(answers, distinctions) else None
    contenders = _contenders(scores(answers, distinctions))
    return max(
        open_dimensions,
        key=lambda d: (_separation(d, contenders, distinctions), -DIMENSIONS.index(d)),
    )


def recommend(answers: Answers, distinctions: Distinctions | None = None) -> Recommendation:
    distinctions = distinctions or load_distinctions()
    totals = scores(answers, distinctions)
    leader, runner_up, _ = ranking(totals)
    known = answers.known_criteria(distinctions)
    variant = None
    if leader == "mentoring":
        variant = mentoring_variant(answers) or "career"
    return Recommendation(
        form=leader,
        variant=variant,
        runner_up=runner_up,
        scores=totals,
        confidence=_confidence(totals)[leader],
        reasons=_reasons(leader, known, distinctions),
        why_not=_why_not(leader, runner_up, known, distinctions),
        combination=_combination(leader, runner_up, totals, distinctions),
        settled=is_settled(answers, distinctions),
        informed=bool(known),
    )


def _max_gain(challenger: str, leader: str, open_dimensions: list[str], distinctions: Distinctions) -> float:
    gain = 0.0
    for dimension in open_dimensions:
        best = max(
            distinctions.criteria[(dimension, value)].advantage(challenger, leader)
            for value in distinctions.values(dimension)
        )
        gain += max(best, 0.0)
    return gain


def _contenders(totals: Mapping[str, float]) -> list[tuple[str, str]]:
    """Pairs of forms whose order is still in question.

    Normally the leader against the runner-up (and anything tied with it); when
    the leader itself is tied, every pair among the tied forms.
    """
    leader, *rest = ranking(totals)
    second = totals[rest[0]]
    challengers = [form for form in rest if totals[form] == second]
    if totals[leader] == second:
        return list(combinations([leader, *challengers], 2))
    return [(leader, form) for form in challengers]


def _separation(dimension: str, pairs: list[tuple[str, str]], distinctions: Distinctions) -> float:
    """How far, on average over its answers, this question pushes the pairs apart."""
    values = distinctions.values(dimension)
    total = 0.0
    for first, second in pairs:
        total += sum(
            abs(distinctions.criteria[(dimension, v)].advantage(first, second)) for v in values
        ) / len(values)
    return total


def _confidence(totals: Mapping[str, float]) -> dict[str, float]:
    exps = {form: math.exp(totals[form] / CONFIDENCE_TEMPERATURE) for form in FORMS}
    norm = sum(exps.values())
    return {form: exps[form] / norm for form in FORMS}


def _reasons(leader: str, known: list[Criterion], distinctions: Distinctions) -> tuple[Reason, ...]:
    def edge(criterion: Criterion) -> float:
        others = [criterion.points[f] for f in FORMS if f != leader]
        return criterion.points[leader] - sum(others) / len(others)

    ranked = sorted((c for c in known if edge(c) > 0), key=lambda c: (-edge(c), -c.points[leader]))
    reasons = [Reason(c.why[leader], tuple(distinctions.cite(c.sources))) for c in ranked[:MAX_REASONS]]
    if len(reasons) < 2:
        profile = distinctions.forms[leader]
        reasons.append(Reason(profile.summary, tuple(distinctions.cite(profile.sources))))
    return tuple(reasons)


def _why_not(leader: str, runner_up: str, known: list[Criterion], distinctions: Distinctions) -> Reason:
    deciding = max(known, key=lambda c: c.advantage(leader, runner_up), default=None)
    if deciding is None or deciding.advantage(leader, runner_up) <= 0:
        profile = distinctions.forms[runner_up]
        return Reason(profile.summary, tuple(distinctions.cite(profile.sources)))
    return Reason(deciding.why[runner_up], tuple(distinctions.cite(deciding.sources)))


def _combination(leader: str, runner_up: str, totals: Mapping[str, float],
                 distinctions: Distinctions) -> Reason | None:
    if {leader, runner_up} != {"coaching", "mentoring"}:
        return None
    if totals[leader] - totals[runner_up] > COMBINATION_MARGIN:
        return None
    advice = distinctions.combination
    return Reason(advice.summary, tuple(distinctions.cite(advice.sources)))
