"""Care, not advice: a need for treatment is referred, a guidance need near the same words is not.

`safety_intent` is what the Rasa component bot.nlu.safety_override imposes on DIET's prediction;
these sentences were written for this test, not taken from the training data or tests/nlu/.
"""

from __future__ import annotations

import pytest
import yaml

from bot.referral import CARE_INTENT, DISTRESS_INTENT, safety_intent
from tests.unit.datafiles import REPO_ROOT, load_domain

TREATMENT = [
    "ik ben verslaafd en heb hulp nodig",
    "Ik denk dat ik verslaafd ben aan mijn telefoon en aan gamen",
    "mijn dochter heeft een eetstoornis, waar kunnen we heen?",
    "ik heb last van eetbuien",
    "ik wil mijn trauma verwerken",
    "sinds het ongeluk heb ik flashbacks",
    "ik ben al een jaar depressief",
    "mijn collega heeft een depressie, kan een mentor helpen?",
    "ik heb een angststoornis",
    "ik zoek een psycholoog voor mijn zoon",
    "Ik heb een zware burn-out en kan niks meer",
    "sinds mijn vrouw overleed functioneer ik gewoon niet meer",
    "ik kan niet stoppen met drinken",
    "ik heb therapie nodig denk ik",
    "k zit met mijn depressie en geraak ni verder",
    "ik zit al drie maanden thuis met een burn-out en kom mijn bed bijna niet uit",
    "ik ben ziekgemeld met een burn-out",
    "ik kom 's ochtends bijna niet meer uit mijn bed",
    "mijn vrouw is vorige maand overleden, ik slaap slecht en huil veel",
]
GUIDANCE_NEAR_CARE = [
    "na mijn burn-out wil ik mijn loopbaan weer oppakken",
    "ik wil leren omgaan met stress in presentaties",
    "na mijn depressie wil ik weer aan het werk en zoek ik iemand die meedenkt",
    "hoe ga ik als leidinggevende om met een medewerker die ziek thuis zit?",
    "ik wil leren omgaan met faalangst bij examens",
    "is een mentor een therapeut?",
    "mijn medewerker zit thuis met een burn-out, hoe begeleid ik haar terugkeer?",
    "ik ben na drie maanden thuis weer aan het werk en wil mijn grenzen leren aangeven",
    "mijn vader is vorig jaar overleden en nu wil ik leren de familiezaak te leiden",
    "ik wil beter leren plannen, ik raak snel gestrest",
    "geen therapie nodig, wel iemand die meedenkt over mijn carriere",
    "ik ben hersteld van een burnout en wil nu leidinggeven leren",
]


@pytest.mark.parametrize("text", TREATMENT)
def test_a_need_for_treatment_is_referred_to_care(text):
    assert safety_intent(text, predicted="need_coaching") == CARE_INTENT


@pytest.mark.parametrize("text", GUIDANCE_NEAR_CARE)
def test_a_guidance_need_near_the_same_words_is_not_referred(text):
    assert safety_intent(text, predicted="need_coaching") is None


def test_acute_danger_outranks_care():
    text = "ik ben depressief en wil niet meer leven"
    assert safety_intent(text, predicted="need_care") == DISTRESS_INTENT


def test_distress_heard_by_the_classifier_is_not_turned_into_care():
    assert safety_intent("ik ben al weken depressief", predicted=DISTRESS_INTENT) is None


def test_a_typed_command_is_not_read_as_words():
    assert safety_intent("/need_skill", predicted="need_skill") is None
    assert safety_intent("  /inform{\"goal\": \"depressie\"}", predicted="inform") is None


def test_the_care_referral_names_every_door():
    """The reply names the huisarts, a psycholoog, a listening line in both countries and the crisis numbers."""
    text = load_domain()["responses"]["utter_care"][0]["text"]
    for door in ("huisarts", "psycholoog", "De Luisterlijn", "088 0767 000", "Tele-Onthaal", "106",
                 "113", "0800-0113", "1813", "112"):
        assert door in text, door
    assert "buttons" not in load_domain()["responses"]["utter_care"][0], "no lead form or advice is offered"


def test_care_is_answered_in_every_state():
    """A need for treatment has a rule outside any form, in the guided questions and in the hand-off."""
    rules = (REPO_ROOT / "data" / "rules" / "safety.yml").read_text(encoding="utf-8")
    found = set()
    for rule in yaml.safe_load(rules)["rules"]:
        if rule["steps"][0].get("intent") == CARE_INTENT:
            loops = [c["active_loop"] for c in rule.get("condition") or [] if "active_loop" in c]
            found.add(loops[0] if loops else None)
            assert rule["steps"][1] == {"action": "utter_care"}
            assert {"action": "action_reset_recommendation"} in rule["steps"]
    assert found == {None, "guidance_form", "lead_form"}
