"""Rasa NLU component: acute distress is `need_distress`, a need for treatment is `need_care`.

Runs after the classifiers and the FallbackClassifier. When `bot.safety` recognises a cry for
help, the intent becomes need_distress with full confidence, so the referral never depends on
how sure DIET happened to be. When `bot.care` recognises a need for treatment (addiction, an
eating disorder, trauma, depression, ...), the intent becomes need_care, unless DIET already
heard distress: acute danger outranks care (bot/referral.py decides).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.referral import safety_intent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyOverride(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SafetyOverride:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            predicted = (message.get(INTENT) or {}).get("name")
            imposed = safety_intent(message.get(TEXT) or "", predicted)
            if imposed is None or imposed == predicted:
                continue
            override = {"name": imposed, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != imposed]
            message.set(INTENT, override, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [override, *ranking], add_to_output=True)
        return messages
