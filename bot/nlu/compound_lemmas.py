"""Rasa NLU component: a rare Dutch compound's token also carries the lemmas of its parts.

Runs right after the SpacyTokenizer. The token "veiligheidsprocedures" gets the lemma
"veiligheidsprocedures veiligheid procedure": the CountVectorsFeaturizers read lemmas (use_lemma)
and count every word in one, so the token lights up the features of "veiligheid" and "procedure",
which the training data knows, beside its own. Splitting is bot/nlp/compounds.py.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.compounds import split_compound


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class CompoundLemmas(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> CompoundLemmas:
        return cls()

    @staticmethod
    def _add_parts(message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            parts = split_compound(token.text)
            if parts:
                token.lemma = " ".join([token.lemma or token.text.lower(), *parts])

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._add_parts(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._add_parts(message)
        return messages
