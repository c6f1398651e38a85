"""Every reply during the guided questions has a rule: the form never leaves the visitor without an answer.

The guidance form rejects a reply in which it read nothing for its question; Rasa then
asks the policies what to do instead. Only a rule for that intent with
`active_loop: guidance_form` answers reliably; without one TED guessed (silence, or the
core fallback that drops the message). These tests read data/rules plainly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.unit.datafiles import REPO_ROOT, load_domain

RULE_FILES = sorted((REPO_ROOT / "data").glob("rules*/**/*.yml")) + sorted((REPO_ROOT / "data").glob("rules*.yml"))
FORM = "guidance_form"


def _rules() -> list[dict]:
    rules = []
    for path in RULE_FILES:
        rules += yaml.safe_load(Path(path).read_text(encoding="utf-8")).get("rules") or []
    return rules


def _first_intents(rule: dict) -> set[str]:
    first = rule["steps"][0]
    if "intent" in first:
        return {first["intent"]}
    return {option["intent"] for option in first.get("or", []) if "intent" in option}


def _in_form_rules() -> dict[str, dict]:
    found = {}
    for rule in _rules():
        if {"active_loop": FORM} in (rule.get("condition") or []):
            for intent in _first_intents(rule):
                found[intent] = rule
    return found


IN_FORM = _in_form_rules()
INTENTS = sorted({*load_domain()["intents"], "nlu_fallback"})


def test_rule_files_are_found():
    assert RULE_FILES and IN_FORM


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_has_a_rule_during_the_guided_questions(intent):
    assert intent in IN_FORM, f"no rule for {intent} with active_loop: {FORM}"


@pytest.mark.parametrize("intent", ["inform", "dont_know", "need_skill", "need_coaching", "need_career",
                                    "need_onboarding", "need_leadership", "need_personal_growth",
                                    "need_reverse_mentoring", "need_unsure", "nlu_fallback"])
def test_an_unread_answer_asks_the_open_question_again(intent):
    """With an example answer first (action_reask_question, which staff see as "niet begrepen")."""
    steps = IN_FORM[intent]["steps"]
    actions = [step["action"] for step in steps if "action" in step]
    assert actions == ["action_reask_question", FORM]
    assert steps[-1] == {"active_loop": FORM}
