"""The distress safety net: favours recall, but leaves ordinary needs alone."""

import pytest

from bot.safety import signals_distress

CRIES_FOR_HELP = [
    "ik voel me zo waardeloos",
    "Ik zie het echt niet meer zitten",
    "ik wil er niet meer zijn",
    "soms denk ik dat niemand me zou missen",
    "ik heb zelfmoordgedachten",
    "ik denk aan suïcide",
    "ik wil dood",
    "ik kan niet meer.",
    "ik wil gewoon verdwijnen",
    "ik doe mezelf pijn",
    "IK WIL NIET MEER LEVEN",
    "ik krijg paniekaanvallen",
]
ORDINARY = [
    "ik wil beter leren presenteren",
    "ik kan niet meer volgen in vergaderingen",
    "ik wil een eind maken aan mijn uitstelgedrag",
    "ik ben net leidinggevende over mijn oud-collega's",
    "wat is het verschil tussen coaching en mentoring?",
    "is een mentor een psycholoog?",
    "ik wil verdwijnen uit deze sleur en iets nieuws leren",
]


@pytest.mark.parametrize("text", CRIES_FOR_HELP)
def test_cry_for_help_is_recognised(text):
    assert signals_distress(text)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_development_question_is_not_distress(text):
    assert not signals_distress(text)
