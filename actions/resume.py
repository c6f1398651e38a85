"""Pick up a conversation where it was: after "verder op Telegram", or "waar waren we?".

Inside a form the form asks its open question again right after this (data/rules/resume.yml);
otherwise the advice is shown again, or the visitor is invited to start.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.recommendation import NEXT_STEPS
from actions.tracker_answers import answers_from
from bot.recommender import explain, recommend
from bot.recommender.programme import programme_advice

WELCOME_ON_TELEGRAM = "Welkom op Telegram! We gaan verder waar je op de website gebleven was."
WELCOME_BACK = "We gaan verder waar je gebleven was."
START_AGAIN = "Vertel me in een paar woorden wat je wilt ontwikkelen, dan denk ik mee."
ADVICE_AGAIN = "Dit was mijn advies:"
FORMS = {"guidance_form", "lead_form", "forget_form"}


class ActionResumeConversation(Action):
    def name(self) -> str:
        return "action_resume_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        metadata = tracker.latest_message.get("metadata") or {}
        welcome = WELCOME_ON_TELEGRAM if metadata.get("channel") == "telegram" else WELCOME_BACK
        if (tracker.active_loop or {}).get("name") in FORMS:
            dispatcher.utter_message(text=welcome)  # the form asks its question next
        elif tracker.get_slot("guidance_variant") == "program":
            dispatcher.utter_message(text=f"{welcome}\n\n{ADVICE_AGAIN}\n\n{programme_advice()}",
                                     buttons=NEXT_STEPS[1:])
        elif tracker.get_slot("recommendation"):
            advice = explain(recommend(answers_from(tracker)))
            dispatcher.utter_message(text=f"{welcome}\n\n{ADVICE_AGAIN}\n\n{advice}", buttons=NEXT_STEPS)
        else:
            dispatcher.utter_message(text=f"{welcome} {START_AGAIN}")
        return []
