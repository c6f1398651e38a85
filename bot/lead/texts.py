"""What the assistant says during the hand-off. The consent wording is versioned:
change a consent text, bump CONSENT_TEXT_VERSION (the service stores it with each lead)."""

from __future__ import annotations

from bot.lead.contact import readable_phone
from bot.needs import CANDIDATE_SLOT_VALUE, VISITOR_LABELS

CONSENT_TEXT_VERSION = "2026-12"  # 2026-12: the mentor candidate's own wording of the purpose
BULLET = "•"

_STOP_ANY_TIME = "Wil je halverwege toch niet verder? Typ dan \"liever niet\": dan bewaar ik niets."
INTRO = (
    "Fijn dat je met een mentor wilt praten! Ik vraag je een paar gegevens, zodat een mentor contact met je "
    "kan opnemen. " + _STOP_ANY_TIME
)
CANDIDATE_INTRO = (
    "Fijn dat je je als mentor wilt aanmelden! Ik vraag je een paar gegevens, zodat iemand van ons mentorteam "
    "contact met je opneemt voor een kennismaking. " + _STOP_ANY_TIME
)
NEED_LABELS = VISITOR_LABELS

ASK_NAME_AGAIN = (
    "Ik heb alleen je voornaam nodig, zodat de mentor je kan aanspreken. Bijvoorbeeld: Sanne of Anne-Marie. "
    "Wil je toch liever niet? Typ dan \"liever niet\"."
)
ASK_CONTACT_AGAIN = {
    "email": "Dat e-mailadres klopt nog niet helemaal. Een voorbeeld van hoe het eruitziet: sanne@voorbeeld.nl",
    "phone": "Dat telefoonnummer herken ik niet. Een voorbeeld: 06 12345678, of voor België +32 470 12 34 56.",
    "missing": "Ik heb een e-mailadres of telefoonnummer nodig, bijvoorbeeld sanne@voorbeeld.nl of 06 12345678.",
}
ASK_MOMENT_AGAIN = "Kun je het wat korter zeggen? Bijvoorbeeld: dinsdagochtend, of 's avonds na 19 uur."
ASK_YES_NO_AGAIN = "Zeg gerust ja of nee. Wil je stoppen? Typ dan \"liever niet\"."
MAX_MOMENT_CHARS = 200

DECLINED = (
    "Helemaal goed. Ik heb niets van je gegevens bewaard of doorgegeven. "
    "Wil je verder met mijn advies of heb je nog een vraag? Typ het gerust."
)
NO_CONSENT = (
    "Dat is helemaal goed. Zonder je toestemming geef ik niets door: ik heb je gegevens niet bewaard. "
    "Je kunt altijd later nog een mentor vragen."
)
STARTING_AGAIN = "Geen probleem, dan lopen we de gegevens nog even langs."
# Consent counts for the details it was asked for: new ones need a new yes.
CONSENT_AGAIN = "Je contactgegevens zijn veranderd, dus ik vraag je toestemming nog een keer."
ALREADY_STORED = (
    "Je aanvraag is al doorgegeven (referentie {reference}); een mentor neemt contact met je op. "
    "Wil je dat we je gegevens wissen? Typ dan \"vergeet mij\"."
)
ALREADY_QUEUED = (
    "Je aanvraag staat al klaar en gaat automatisch naar een mentor, dus je hoeft niets opnieuw te sturen. "
    "Wil je dat we je gegevens wissen? Typ dan \"vergeet mij\"."
)
QUEUED = (
    "Het lukt me op dit moment niet om je aanvraag in ons systeem te zetten. Ik heb hem veilig bewaard en stuur "
    "hem automatisch door zodra het weer lukt: een mentor krijgt je bericht dus nog steeds. Een referentienummer "
    "kan ik je daardoor nu nog niet geven. Wil je je gegevens toch laten wissen? Typ dan \"vergeet mij\"."
)
REJECTED = (
    "Sorry, er ging iets mis bij het doorgeven van je aanvraag en ik heb niets opgeslagen. "
    "Probeer het later nog eens door \"praat met een mentor\" te typen."
)

FORGOTTEN = (
    "Gedaan: je aanvraag en dit gesprek worden gewist. Stuur je me hierna iets, dan begin je met een schone lei."
)
FORGET_QUEUED = (
    "Ons systeem is even niet bereikbaar, dus ik kan het wissen nu niet meteen afronden. Ik heb je verzoek "
    "vastgelegd: het wordt automatisch uitgevoerd zodra het weer kan. Een aanvraag die nog niet verstuurd was, "
    "heb ik al weggegooid."
)
FORGET_CANCELLED = "Prima, ik heb niets gewist. Waar kan ik je verder mee helpen?"


def reach(email: str | None, phone: str | None) -> str:
    """How the mentor will reach them: "je e-mailadres anna@... en je telefoonnummer 06 ..."."""
    parts = []
    if email:
        parts.append(f"je e-mailadres {email}")
    if phone:
        parts.append(f"je telefoonnummer {readable_phone(phone)}")
    return " en ".join(parts)


def ask_consent_store(email: str | None, phone: str | None, retention_days: int, need: str | None = None) -> str:
    request, purpose = (("je aanmelding", "je aanmelding als mentor") if need == CANDIDATE_SLOT_VALUE
                        else ("je aanvraag", "begeleiding"))
    return (
        f"Om {request} door te geven, bewaren we je voornaam, {reach(email, phone)}, je voorkeursmoment en een "
        "korte samenvatting van dit gesprek (je vraag, mijn advies en de onderwerpen die je noemde). Alleen onze "
        f"mentoren en medewerkers zien die gegevens, en alleen om contact met je op te nemen over {purpose}. "
        f"We bewaren ze hooguit {retention_days} dagen en wissen ze daarna. Typ je \"vergeet mij\", dan wissen we "
        "ze meteen.\n\nMogen we deze gegevens daarvoor bewaren?"
    )


def ask_consent_contact(email: str | None, phone: str | None, need: str | None = None) -> str:
    how = "per e-mail of telefoon" if email and phone else ("per e-mail" if email else "telefonisch")
    who, request = (("iemand van ons mentorteam", "aanmelding") if need == CANDIDATE_SLOT_VALUE
                    else ("een mentor", "aanvraag"))
    return (
        f"En mag {who} {how} contact met je opnemen om kennis te maken? Dat is alleen voor deze {request}: "
        "je krijgt van ons geen nieuwsbrief of reclame."
    )


def summary(first_name: str, email: str | None, phone: str | None, moment: str | None,
            need: str | None, advice: str | None, topics: list[str]) -> str:
    lines = ["Even controleren of alles klopt:", f"{BULLET} Voornaam: {first_name}"]
    if email:
        lines.append(f"{BULLET} E-mail: {email}")
    if phone:
        lines.append(f"{BULLET} Telefoon: {readable_phone(phone)}")
    lines.append(f"{BULLET} Voorkeursmoment: {moment or 'maakt niet uit'}")
    shared = []
    if need in NEED_LABELS:
        shared.append(f"je vraag ({NEED_LABELS[need]})")
    if advice:
        shared.append(f"mijn advies ({advice})")
    shared.append("je antwoorden op mijn vragen")
    if topics:
        shared.append(f"de onderwerpen die je noemde ({', '.join(topics)})")
    candidate = need == CANDIDATE_SLOT_VALUE
    recipient, request = ("Het mentorteam", "aanmelding") if candidate else ("De mentor", "aanvraag")
    lines += ["", f"{recipient} krijgt ook " + _join(shared) + ".", "", f"Zal ik je {request} zo versturen?"]
    return "\n".join(lines)


def intro(need: str | None) -> str:
    return CANDIDATE_INTRO if need == CANDIDATE_SLOT_VALUE else INTRO


def stored(first_name: str, reference: str, email: str | None, phone: str | None, moment: str | None,
           need: str | None = None) -> str:
    when = f" ({moment})" if moment and moment != "maakt niet uit" else ""
    if need == CANDIDATE_SLOT_VALUE:
        passed_on = "Je aanmelding als mentor is doorgegeven aan ons mentorteam"
        who = "Iemand van het mentorteam"
    else:
        passed_on, who = "Je aanvraag is doorgegeven aan een mentor", "De mentor"
    return (
        f"Dank je, {first_name}! {passed_on}. Je referentienummer is {reference}. "
        f"{who} neemt contact met je op via {reach(email, phone)}{when}.\n\n"
        "Wil je je gegevens later laten wissen? Typ dan \"vergeet mij\"."
    )


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]

# The guided answers as the mentor reads them (same wording as the buttons in domain.yml).
ANSWER_LABELS = {
    "goal": {"skill": "een vaardigheid leren", "problem": "een probleem oplossen of doel bereiken",
             "growth": "breder groeien, persoonlijk of in de loopbaan"},
    "horizon": {"short": "kort en intensief", "medium": "een paar maanden",
                "long": "langere tijd, met een vaste sparringpartner"},
    "setting": {"group": "in een groep", "individual": "één op één"},
    "guide_role": {"expert": "een expert die het leert", "questioner": "iemand die vragen stelt",
                   "experienced": "iemand met ervaring die advies geeft"},
    "scope": {"work": "vooral het werk", "life": "het leven als geheel"},
}


def readable_answers(answers: dict[str, str]) -> dict[str, str]:
    return {key: ANSWER_LABELS.get(key, {}).get(value, value) for key, value in answers.items()}
