"""The development needs: one list for the NLU contract, the `need` slot, the lead and the staff screens.

Each need has its intent name (docs/product.md: never renamed), the short value the `need` slot
holds when the assistant acts on it (None: the conversation goes elsewhere, no lead follows), and
the Dutch words for each reader: the visitor ("je vraag (...)"), the mentor's e-mail and lead page,
and the staff lists and charts. Add a need here and every part knows it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    intent: str
    slot_value: str | None
    for_visitor: str | None  # None: never named to the visitor in a hand-off
    for_mentor: str
    for_staff: str
    as_choice: str | None = None  # a button when the assistant is unsure what was meant ("Bedoel je: ...?")


NEEDS: tuple[Need, ...] = (
    Need("need_skill", "skill", "een vaardigheid ontwikkelen", "een vaardigheid ontwikkelen", "vaardigheid leren",
         "Iets nieuws leren, een vaardigheid"),
    Need("need_coaching", "coaching", "een probleem oplossen of een doel bereiken",
         "een probleem oplossen of doel bereiken", "probleem of doel (coaching)",
         "Vastzitten of een doel willen bereiken"),
    Need("need_career", "career", "je loopbaan", "loopbaan en groei", "loopbaan", "Verder komen in mijn loopbaan"),
    Need("need_onboarding", "onboarding", "wegwijs worden in een nieuwe organisatie",
         "wegwijs worden in een (nieuwe) organisatie", "nieuw in de organisatie",
         "Wegwijs worden in een nieuwe baan"),
    Need("need_leadership", "leadership", "leidinggeven", "(nieuw) leidinggeven", "leidinggeven",
         "Beter leidinggeven"),
    Need("need_personal_growth", "personal_growth", "persoonlijke groei", "persoonlijke groei", "persoonlijke groei",
         "Groeien als mens, ook buiten mijn werk"),
    Need("need_reverse_mentoring", "reverse", "reverse mentoring", "reverse mentoring", "reverse mentoring",
         "Leren van een jongere collega"),
    Need("need_program", "program", "een mentorprogramma opzetten", "een mentorprogramma opzetten",
         "mentorprogramma opzetten", "Mentoring opzetten in onze organisatie"),
    Need("need_become_mentor", "become_mentor", "zelf mentor worden",
         "wil zelf mentor worden (kandidaat-mentor, geen mentee)", "kandidaat-mentor",
         "Zelf mentor worden"),
    Need("need_unsure", "unsure", "je weet nog niet precies wat je zoekt", "weet het nog niet", "weet het nog niet",
         "Ik weet nog niet wat bij me past"),
    Need("need_distress", None, None, "zit het even niet mee (doorverwezen naar hulp)", "in nood (doorverwezen)"),
    Need("need_care", None, None, "zoekt zorg of behandeling (doorverwezen naar hulp)", "zorg nodig (doorverwezen)"),
    Need("ask_difference", None, None, "wil het verschil tussen de vormen weten", "vraag over de vormen"),
)

NEED_INTENTS: tuple[str, ...] = tuple(need.intent for need in NEEDS)
INTENT_BY_SLOT_VALUE: dict[str, str] = {n.slot_value: n.intent for n in NEEDS if n.slot_value}
VISITOR_LABELS: dict[str, str] = {n.slot_value: n.for_visitor for n in NEEDS if n.slot_value and n.for_visitor}
MENTOR_LABELS: dict[str, str] = {n.intent: n.for_mentor for n in NEEDS}
STAFF_LABELS: dict[str, str] = {n.intent: n.for_staff for n in NEEDS}
CHOICES: dict[str, str] = {n.intent: n.as_choice for n in NEEDS if n.as_choice}
# A lead with this need is someone who offers to mentor, not someone looking for a mentor.
MENTOR_CANDIDATE = "need_become_mentor"
CANDIDATE_SLOT_VALUE = "become_mentor"
