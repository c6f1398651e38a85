"""Rasa 3.6's costliest steps, made cheap without changing what they decide (found with py-spy;
figures on our machine, docs/benchmarks.md). `apply()` is called by `bot.rasa_server` before Rasa
starts, and refuses any Rasa but the one these were written against. Runs in Rasa's environment.

- Rasa checks every answer of the action server against a JSON schema with `jsonschema.validate`,
  which first checks the schema itself against its meta-schema and builds a new validator each
  time: about 47 ms per answer, two or three answers per message, more than half of Rasa's CPU
  time. The same check with one validator built at start-up takes about 5 ms, same errors.
- Every event read back from the tracker store finds its class by walking all subclasses of
  `Event` (about 200 events per conversation, every message): remembered per type name instead.
- Loading a trained model for serving, Rasa builds each TensorFlow model by running one *training*
  step (`model.fit` on one example), only to overwrite every weight it touched with the trained
  ones: 39 of Rasa's 55 s start-up, tracing the training graph with its gradients. Here the same
  variables are made by one forward pass of the training loss, eagerly, then the trained weights
  are loaded and the prediction graph is traced as before: start-up in 17 s, identical predictions.
- Every call to the action server sends the whole conversation as JSON, two to four calls per
  message, encoded by the standard library: a quarter of Rasa's CPU at message 50 of a
  conversation. The same JSON, encoded by orjson (what cannot be encoded so falls back to `json`).
- Training: Keras feeds Rasa's batches through a `tf.data` pipeline with autotuning on. Its tuning
  thread sleeps ever longer between rounds (up to a minute), and the pipeline's end waits for it to
  wake: DIET sat idle for 52 s after its last epoch, the ResponseSelector and TED for 10 s each, a
  third of `rasa train`. Nothing in that pipeline is tuned (a fixed prefetch of one batch), so
  autotuning is switched off there: same batches in the same order, same model, no wait.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import orjson
import rasa
import tensorflow as tf
from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from keras.engine.data_adapter import GeneratorDataAdapter
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.models import RasaModel

# What the replacements below were written against and tested with (tests/e2e/test_rasa_speedups.py).
RASA_VERSION = "3.6.21"

_ACTION_RESPONSE_SCHEMA = RemoteAction.action_response_format_spec()
_ACTION_RESPONSE_VALIDATOR = validators.validator_for(_ACTION_RESPONSE_SCHEMA)(_ACTION_RESPONSE_SCHEMA)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """`RemoteAction._validate_action_result` with the validator built once: same errors, same hint."""
    error: ValidationError | None = best_match(_ACTION_RESPONSE_VALIDATOR.iter_errors(result))
    if error is None:
        return True
    error.message += (". Failed to validate Action server response from API, make sure your response from the "
                      f"Action endpoint is valid. For more information about the format visit "
                      f"{DOCS_BASE_URL}/custom-actions")
    raise error


_resolve_event_type_by_walking = Event.resolve_by_type
_event_types: dict[str, type[Event]] = {}


class _NotFound:
    pass


def resolve_event_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """`Event.resolve_by_type`, remembering what it found; unknown names behave as before."""
    known = _event_types.get(type_name)
    if known is not None:
        return known
    found = _resolve_event_type_by_walking(type_name, default=_NotFound)
    if found is _NotFound or found is None:  # unknown, or Rasa's old "topic" events
        return _resolve_event_type_by_walking(type_name, default)
    _event_types[type_name] = found
    return found


_load_by_training_one_step = RasaModel.load.__func__  # type: ignore[attr-defined]


def load_for_inference(cls: type[RasaModel], model_file_name: str, model_data_example: Any,
                       predict_data_example: Any = None, finetune_mode: bool = False, *args: Any,
                       **kwargs: Any) -> RasaModel:
    """`RasaModel.load` without its training step; fine-tuning (training goes on) keeps Rasa's own."""
    if finetune_mode:
        return _load_by_training_one_step(cls, model_file_name, model_data_example, predict_data_example,
                                          finetune_mode, *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                  run_eagerly=config.get(RUN_EAGERLY))
    # The forward half of Rasa's train_step, eagerly: creates every variable training would, of
    # the same shapes, without tracing a graph or taking gradients.
    batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
    model._training = True
    model.batch_loss(batch)
    model._training = None
    # The optimizer's state in the file has nothing to go to (no step was taken): only serving here.
    model.load_weights(model_file_name).expect_partial()
    if predict_data_example:
        model.run_inference(predict_data_example)  # traces the prediction graph now, not at the first message
    return model


def dumps_json(value: Any) -> str:
    """`json.dumps`, faster: the same document (without the spaces), or json's own where orjson refuses."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()
    except TypeError:  # orjson.JSONEncodeError too: what only the standard library can encode (or refuse)
        return json.dumps(value)


def endpoint_session(self: EndpointConfig) -> aiohttp.ClientSession:
    """`EndpointConfig.session` with `dumps_json` as the session's encoder; all else as Rasa's."""
    auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
    return aiohttp.ClientSession(headers=self.headers, auth=auth, json_serialize=dumps_json,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))


_keras_generator_dataset = GeneratorDataAdapter.get_dataset


def generator_dataset_without_autotune(self: GeneratorDataAdapter) -> tf.data.Dataset:
    """Keras's dataset over a batch generator (Rasa's training data), with tf.data autotuning off."""
    options = tf.data.Options()
    options.autotune.enabled = False
    return _keras_generator_dataset(self).with_options(options)


def apply() -> None:
    if rasa.__version__ != RASA_VERSION:
        raise RuntimeError(f"bot/rasa_speedups.py replaces parts of Rasa {RASA_VERSION}, but Rasa "
                           f"{rasa.__version__} is installed: check each replacement against the new version "
                           "(tests/e2e/test_rasa_speedups.py)")
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_event_type)
    RasaModel.load = classmethod(load_for_inference)
    EndpointConfig.session = endpoint_session
    GeneratorDataAdapter.get_dataset = generator_dataset_without_autotune
