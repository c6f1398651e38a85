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
