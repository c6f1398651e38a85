"""The Dutch plain-text message a mentor receives: everything needed to call back warmly."""

from __future__ import annotations

from bot.lead.contact import readable_phone
from bot.needs import MENTOR_LABELS
from bot.service.db.models import Lead

NEEDS = MENTOR_LABELS
RECOMMENDATIONS = {"training": "training", "coaching": "coaching", "mentoring": "mentoring"}
VARIANTS = {
    "career": "loopbaanmentor",
    "leadership": "leiderschapsmentor",
    "personal_growth": "mentor voor persoonlijke groei",
    "reverse": "reverse mentoring",
    "program": "mentorprogramma",
}
QUESTIONS = {"goal": "Doel", "horizon": "Termijn", "setting": "Vorm", "guide_role": "Begeleider", "scope": "Terrein"}


def subject(lead: Lead) -> str:
    # No personal data in the subject line: it shows up in mail logs and notifications.
    return f"Nieuwe aanvraag voor een mentor ({lead.reference})"


def body(lead: Lead) -> str:
    lines = [
        f"{lead.first_name} wil graag contact met een mentor.",
        "",
        f"Referentie: {lead.reference}",
        f"Voornaam: {lead.first_name}",
        f"E-mail: {lead.email or '-'}",
        f"Telefoon: {readable_phone(lead.phone) if lead.phone else '-'}",  # 06 12345678: ready to dial
        f"Voorkeursmoment: {lead.preferred_moment or '-'}",
        f"Behoefte: {NEEDS.get(lead.need or '', lead.need or '-')}",
        f"Advies: {_recommendation(lead)}",
    ]
    if lead.reasons:
        lines += ["", "Waarom dit advies:"] + [f"- {reason}" for reason in lead.reasons]
    if lead.answers:
        lines += ["", "Antwoorden in het gesprek:"]
        lines += [f"- {QUESTIONS.get(key, key)}: {value}" for key, value in lead.answers.items()]
    if lead.topics:
        lines += ["", f"Onderwerpen: {', '.join(lead.topics)}"]
    lines += [
        "",
        # The lead's own page (log in first), which links the conversation: no conversation id in a mail.
        f"Aanvraag en gesprek teruglezen: {lead.transcript_url or '-'}",
        "",
        f"Toestemming gegeven op {lead.consent_at:%d-%m-%Y %H:%M} UTC (tekstversie {lead.consent_text_version}): "
        f"om deze gegevens te bewaren, en {consent_to_contact(lead)}.",
        "Laat via het staff-scherm weten of je de aanvraag aanneemt of afwijst.",
    ]
    return "\n".join(lines) + "\n"


def contact_ways(lead: Lead) -> list[str] | None:
    """The ways the visitor agreed to be contacted ("per e-mail", "telefonisch"); None: a lead from
    before 2026-12, whose consent was not recorded per channel."""
    if lead.consent_email is None and lead.consent_phone is None:
        return None
    return [way for way, given in (("per e-mail", lead.consent_email), ("telefonisch", lead.consent_phone)) if given]


def consent_to_contact(lead: Lead) -> str:
    ways = contact_ways(lead)
    if ways is None:
        return "om contact op te nemen (niet per kanaal vastgelegd)"
    return "om " + " en ".join(ways) + " contact op te nemen" if ways else "niet om contact op te nemen"


def _recommendation(lead: Lead) -> str:
    if not lead.recommendation:
        return "nog geen advies (vroeg zelf om een mens)"
    label = RECOMMENDATIONS.get(lead.recommendation, lead.recommendation)
    if lead.guidance_variant:
        label += f" ({VARIANTS.get(lead.guidance_variant, lead.guidance_variant)})"
    return label
