"""Advice for an organisation that wants to set up a mentoring programme."""

from __future__ import annotations

from bot.recommender.distinctions import load_distinctions

STEPS = (
    ("Doelen en strategie", "Maak vooraf duidelijk en meetbaar wat het programma moet opleveren en hoe dat "
     "past in je HR-strategie. Dan weet je ook hoeveel tijd en middelen het vraagt."),
    ("Verwachtingen", "Spreek af wat mentoren en mentees van elkaar mogen verwachten, en bereid beide goed "
     "voor op hun rol."),
    ("Communicatie en feedback", "Leg vast hoe vaak mentor en mentee elkaar spreken en wanneer ze feedback "
     "uitwisselen, zodat het een open, gelijkwaardige relatie wordt."),
    ("Opvolging", "Volg de voortgang en evalueer de resultaten tegen de doelen, en stuur bij waar het "
     "programma minder oplevert."),
)


def programme_advice() -> str:
    distinctions = load_distinctions()
    variant = distinctions.variants["program"]
    lines = ["Mooi dat je mentoring in je organisatie wilt opzetten! Vier dingen maken een programma sterk:", ""]
    lines += [f"{number}. {title}: {text}" for number, (title, text) in enumerate(STEPS, start=1)]
    lines += ["", "Bron: " + "; ".join(distinctions.cite(variant.sources))]
    return "\n".join(lines)
