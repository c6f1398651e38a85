"""Rasa NLU component: keep only dimension entities with a value we know.

DIET sometimes tags a stray word ("op", "het") as an entity; through the
slot mappings that junk would overwrite a real earlier answer. After the
EntitySynonymMapper every good dimension entity carries a canonical value
(setting=group, horizon=long, ...): anything else is dropped here.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entity_values import is_canonical


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CanonicalEntityFilter(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CanonicalEntityFilter":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            kept = [e for e in entities if is_canonical(e.get("entity"), e.get("value"))]
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages
