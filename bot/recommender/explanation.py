"""Turn a recommendation into short Dutch text for the visitor."""

from __future__ import annotations

from bot.recommender.distinctions import Distinctions, load_distinctions
from bot.recommender.scoring import Reason, Recommendation

BULLET = "•"


def explain(recommendation: Recommendation, distinctions: Distinctions | None = None) -> str:
    """The advice with two or three reasons, the runner-up and why not, and the sources."""
    distinctions = distinctions or load_distinctions()
    lines = [_headline(recommendation, distinctions), "", "Waarom:"]
    lines += [f"{BULLET} {reason.text}" for reason in recommendation.reasons]
    runner_up = distinctions.forms[recommendation.runner_up].label
    lines += ["", f"Tweede keus: {runner_up}. {recommendation.why_not.text}"]
    if recommendation.combination:
        lines += ["", recommendation.combination.text]
    lines += ["", "Bronnen: " + "; ".join(_sources(recommendation))]
    return "\n".join(lines)


def explain_without_basis(distinctions: Distinctions | None = None) -> str:
    """Every question was "weet ik niet": say so honestly and describe the three forms."""
    distinctions = distinctions or load_distinctions()
    lines = ["Met wat ik nu weet, kan ik je nog geen onderbouwd advies geven. Dit zijn de drie vormen:", ""]
    lines += [f"{BULLET} {profile.label.capitalize()}: {profile.summary}" for profile in distinctions.forms.values()]
    lines += ["", "Herken je jezelf in een ervan? Vertel het gerust, begin opnieuw,"
                  " of praat er eens over met een mentor."]
    return "\n".join(lines)


def explain_more(recommendation: Recommendation, distinctions: Distinctions | None = None) -> str:
    """A longer explanation: what the form is, how sure we are, and the alternative."""
    distinctions = distinctions or load_distinctions()
    form = distinctions.forms[recommendation.form]
    runner_up = distinctions.forms[recommendation.runner_up]
    lines = [f"Wat is {form.label}? {form.summary}"]
    if recommendation.variant:
        variant = distinctions.variants[recommendation.variant]
        lines += ["", f"Voor jou gaat het om {variant.label}: {variant.summary}"]
    lines += ["", f"Hoe zeker ben ik? {_certainty(recommendation.confidence)}"]
    lines += ["", f"Ter vergelijking, {runner_up.label}: {runner_up.summary}"]
    return "\n".join(lines)


def _headline(recommendation: Recommendation, distinctions: Distinctions) -> str:
    label = distinctions.forms[recommendation.form].label
    if recommendation.variant:
        return f"Mijn advies: {label}. Wat het best bij je past: {distinctions.variants[recommendation.variant].label}."
    return f"Mijn advies: {label}."


def _certainty(confidence: float) -> str:
    if confidence >= 0.8:
        return "Vrij zeker: je antwoorden wijzen duidelijk één kant op."
    if confidence >= 0.55:
        return "Redelijk zeker, al past de tweede keus ook een beetje."
    return "Het is een dichte race; praat het gerust eens door met een mentor."


def _sources(recommendation: Recommendation) -> list[str]:
    reasons: list[Reason] = [*recommendation.reasons, recommendation.why_not]
    if recommendation.combination:
        reasons.append(recommendation.combination)
    seen: dict[str, None] = {}
    for reason in reasons:
        seen.update(dict.fromkeys(reason.sources))
    return list(seen)
