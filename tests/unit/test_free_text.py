"""Free Dutch text to guided answers: what a visitor types must be read the way they meant it."""

from __future__ import annotations

import json
import re

import pytest

from bot.recommender.free_text import normalise, parse_answers
from tests.unit.datafiles import domain_buttons, load_domain

INFORM = re.compile(r"^/inform(\{.*\})$")


def _inform_buttons() -> list[tuple[str, str, str]]:
    found = []
    for button in domain_buttons(load_domain()):
        match = INFORM.match(button["payload"])
        if match:
            ((dimension, value),) = json.loads(match.group(1)).items()
            found.append((button["title"], dimension, value))
    return found


INFORM_BUTTONS = _inform_buttons()


def test_domain_has_a_button_for_every_answer():
    domain = load_domain()
    for dimension in ("goal", "horizon", "setting", "guide_role", "scope"):
        values = {value for _, dim, value in INFORM_BUTTONS if dim == dimension}
        assert values == set(domain["slots"][dimension]["values"]), dimension


@pytest.mark.parametrize(("title", "dimension", "value"), INFORM_BUTTONS,
                         ids=[f"{d}={v}" for _, d, v in INFORM_BUTTONS])
def test_typing_a_button_title_gives_the_buttons_answer(title, dimension, value):
    assert parse_answers(title) == {dimension: value}
    # Typed in lower case or upper case, with extra spaces, it means the same.
    assert parse_answers(f"  {title.lower()}  ") == {dimension: value}
    assert parse_answers(title.upper()) == {dimension: value}


def test_weet_ik_niet_button_title_is_no_answer():
    titles = [b["title"] for b in domain_buttons(load_domain()) if b["payload"] == "/dont_know"]
    assert titles
    for title in titles:
        assert parse_answers(title) == {}


@pytest.mark.parametrize(("text", "expected"), [
    ("nee, toch liever in een groep", {"setting": "group"}),
    ("Nee toch liever 1-op-1", {"setting": "individual"}),
    ("eigenlijk liever een paar maanden", {"horizon": "medium"}),
    ("niet in een groep maar 1-op-1", {"setting": "individual"}),
    ("ik wil geen groep, liever individueel", {"setting": "individual"}),
])
def test_corrections_give_the_new_answer(text, expected):
    assert parse_answers(text) == expected


@pytest.mark.parametrize("text", [
    "liever niet in een groep",
    "niet in groep",
    "ik wil geen workshop",
    "nooit in een klas",
])
def test_negated_setting_gives_no_setting(text):
    assert "setting" not in parse_answers(text)


def test_negated_horizon_gives_no_horizon():
    assert "horizon" not in parse_answers("het hoeft niet kort")


def test_negation_with_an_adjective_gives_no_setting():
    assert "setting" not in parse_answers("liever niet in een grote groep")


@pytest.mark.parametrize("text", [
    "alleen of in een groep?",
    "in een groep of een op een, ik twijfel",
    "1-op-1 of in groep",
    "kort of juist langdurig",
])
def test_two_answers_at_once_give_nothing_for_that_question(text):
    found = parse_answers(text)
    assert "setting" not in found and "horizon" not in found


def test_groep_of_alleen_gives_nothing():
    assert "setting" not in parse_answers("groep of alleen?")


@pytest.mark.parametrize("text", ["één op één", "Eén op één graag", "EEN OP EEN", "een op één", "privé"])
def test_accents_and_case_do_not_matter(text):
    expected = {"scope": "life"} if text == "privé" else {"setting": "individual"}
    assert parse_answers(text) == expected


def test_hyphenated_een_op_een():
    assert parse_answers("één-op-één begeleiding") == {"setting": "individual"}


def test_normalise_removes_accents_and_squeezes_spaces():
    assert normalise("  Eén   op\tÉÉN \n") == "een op een"


@pytest.mark.parametrize("text", [
    "Hoe laat is het?",
    "Ik heb een hond en twee katten.",
    "Wat is het weer morgen in Gent?",
    "hallo",
    "",
    "   ",
    "👍🎉",
    "<script>alert(1)</script>",
    "asdfghjkl qwerty",
    "Thank you very much",
])
def test_unrelated_text_gives_nothing(text):
    assert parse_answers(text) == {}


def test_one_sentence_can_answer_several_questions():
    assert parse_answers("Ik wil een vaardigheid leren, in een groep, kort en intensief") == {
        "goal": "skill", "setting": "group", "horizon": "short"}
    assert parse_answers("Iemand met ervaring, voor langere tijd en 1-op-1") == {
        "guide_role": "experienced", "horizon": "long", "setting": "individual"}


def test_very_long_input_is_handled():
    text = "blabla " * 5000 + "in een groep"
    assert parse_answers(text) == {"setting": "group"}


# --- Dutch and Flemish variants: diminutives, preferences, comparisons ---------------------


@pytest.mark.parametrize(("text", "expected"), [
    # setting
    ("in een groepje", {"setting": "group"}),
    ("groepje", {"setting": "group"}),
    ("Liefst in een groepje", {"setting": "group"}),
    ("het liefst in een klein groepje", {"setting": "group"}),
    ("bij voorkeur in een klasje", {"setting": "group"}),
    ("liefst in een groep", {"setting": "group"}),
    ("in kleine groepjes", {"setting": "group"}),
    ("een workshopje", {"setting": "group"}),
    ("klassikaal", {"setting": "group"}),
    ("groepsles", {"setting": "group"}),
    ("in team", {"setting": "group"}),
    ("samen met collega's", {"setting": "group"}),
    ("het liefst alleen", {"setting": "individual"}),
    ("bij voorkeur alleen", {"setting": "individual"}),
    ("in m'n eentje", {"setting": "individual"}),
    ("in m\u2019n eentje", {"setting": "individual"}),
    ("1:1", {"setting": "individual"}),
    ("privéles", {"setting": "individual"}),
    ("met z'n tweeën", {"setting": "individual"}),
    ("zonder groep", {"setting": "individual"}),
    ("samen met mijn coach", {"setting": "individual"}),
    # guide_role
    ("iemand die het vak kent en het voordoet", {"guide_role": "expert"}),
    ("een expert die lesgeeft", {"guide_role": "expert"}),
    ("een lesgever", {"guide_role": "expert"}),
    ("liefst iemand die het uitlegt", {"guide_role": "expert"}),
    ("een specialist", {"guide_role": "expert"}),
    ("het liefst iemand die goede vragen stelt", {"guide_role": "questioner"}),
    ("iemand die me zelf laat ontdekken", {"guide_role": "questioner"}),
    ("een ervaren rot", {"guide_role": "experienced"}),
    ("iemand die het al jaren doet", {"guide_role": "experienced"}),
    ("iemand uit mijn vak", {"guide_role": "experienced"}),
    # horizon
    ("liefst kort", {"horizon": "short"}),
    ("niet te lang", {"horizon": "short"}),
    ("een paar weekjes", {"horizon": "short"}),
    ("een dagje", {"horizon": "short"}),
    ("bij voorkeur kort en krachtig", {"horizon": "short"}),
    ("een maandje of twee", {"horizon": "medium"}),
    ("een paar maand", {"horizon": "medium"}),
    ("een tijdje", {"horizon": "medium"}),
    ("het liefst op lange termijn", {"horizon": "long"}),
    ("zo lang als nodig", {"horizon": "long"}),
    # goal
    ("het liefst iets praktisch leren", {"goal": "skill"}),
    ("liefst een probleempje oplossen", {"goal": "problem"}),
    ("ik loop vast", {"goal": "problem"}),
    ("mezelf verder ontwikkelen", {"goal": "growth"}),
    # scope
    ("mijn hele leven", {"scope": "life"}),
    ("het liefst mijn werk", {"scope": "work"}),
])
def test_dutch_and_flemish_variants(text, expected):
    assert parse_answers(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("liever alleen dan in een groep", {"setting": "individual"}),
    ("liever in een groepje dan alleen", {"setting": "group"}),
    ("eigenlijk liever iemand die vragen stelt dan iemand die advies geeft", {"guide_role": "questioner"}),
])
def test_in_a_comparison_the_preferred_one_counts(text, expected):
    assert parse_answers(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("breder dan werk", {"scope": "life"}),
    ("buiten mijn werk", {"scope": "life"}),
    ("Ik wil mijn leven als geheel bekijken", {"scope": "life"}),
])
def test_a_phrase_inside_a_longer_one_means_what_the_longer_one_means(text, expected):
    assert parse_answers(text) == expected


@pytest.mark.parametrize("text", ["niet in een groepje", "liefst geen klasje", "zonder groepje"])
def test_negated_diminutive_gives_no_group(text):
    assert parse_answers(text).get("setting") != "group"


@pytest.mark.parametrize(("asked", "text", "expected"), [
    ("setting", "samen", "group"),
    ("setting", "een cursusje", "group"),
    ("setting", "met collega's", "group"),
    ("setting", "persoonlijk", "individual"),
    ("guide_role", "een coach", "questioner"),
    ("guide_role", "een mentor", "experienced"),
    ("guide_role", "een leraar", "expert"),
    ("horizon", "lang", "long"),
    ("horizon", "een jaar", "long"),
    ("horizon", "drie maanden", "medium"),
    ("horizon", "twee weken", "short"),
    ("goal", "leren presenteren", "skill"),
    ("goal", "doorgroeien", "growth"),
    ("scope", "werk en privé", "life"),
    ("scope", "zakelijk", "work"),
])
def test_short_answers_count_for_the_question_just_asked(asked, text, expected):
    assert parse_answers(text, asked=asked) == {asked: expected}


@pytest.mark.parametrize(("text", "dimension"), [
    ("samen", "setting"), ("een coach", "guide_role"), ("lang", "horizon"), ("leren presenteren", "goal"),
    ("zakelijk", "scope"),
])
def test_short_answers_mean_nothing_when_another_question_was_asked(text, dimension):
    assert dimension not in parse_answers(text)
    other = "setting" if dimension != "setting" else "horizon"
    assert dimension not in parse_answers(text, asked=other)


@pytest.mark.parametrize("text", [
    "ik heb ruzie met collega's",
    "ik werk sinds drie weken bij een nieuwe werkgever",
    "over twee jaar ga ik met pensioen",
    "ik wil presenteren voor groepen",
    "ik wil er iets voor doen",
    "kun je me wat vragen stellen?",
    "ik wil sneller leren typen",
    "11 weken",
])
def test_opening_messages_are_not_read_as_answers_they_do_not_give(text):
    found = parse_answers(text)
    assert "setting" not in found and "guide_role" not in found and "horizon" not in found
