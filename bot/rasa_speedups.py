"""Two of Rasa 3.6's costliest steps per message, made cheap without changing what they do
(found with py-spy under load; figures per message on our machine, docs/benchmarks.md "Load").
`apply()` is called by `bot.rasa_server` before Rasa starts. Runs in Rasa's environment.

- Rasa checks every answer of the action server against a JSON schema with `jsonschema.validate`,
  which first checks the schema itself against its meta-schema and builds a new validator each
  time: about 47 ms per answer, two or three answers per message, more than half of Rasa's CPU
  time. The same check with one validator built at start-up takes about 5 ms, same errors.
- Every event read back from the tracker store finds its class by walking all subclasses of
  `Event` (about 200 events per conversation, every message): remembered per type name instead.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

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


def apply() -> None:
    RemoteAction._validate_action_result = validate_action_result
    Event.resolve_by_type = staticmethod(resolve_event_type)
