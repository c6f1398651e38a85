"""bot/rasa_speedups.py replaces two of Rasa's own methods with faster ones: they must decide exactly
as Rasa's do. Rasa's environment runs both side by side on the same inputs (a broken action server
answer must still be refused, with the same error; every event type must still be found).
The whole stack's tests (every conversation in tests/e2e) run on the speed-ups through
scripts/rasa-server.sh."""

from __future__ import annotations

import json
import subprocess

from tests.support.servers import ROOT, base_env

COMPARE = r"""
import json, sys
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from bot import rasa_speedups

answers = json.loads(sys.argv[1])
rasa_validate, rasa_resolve = RemoteAction._validate_action_result, Event.resolve_by_type
rasa_speedups.apply()
action = RemoteAction("action_recommend_guidance", None)


def verdict(validate, answer):
    try:
        return validate(action, answer)
    except ValidationError as error:
        return error.message


def resolved(resolve, name):
    try:
        found = resolve(name, None)
        return found.__name__ if found else None
    except ValueError as error:
        return str(error)


names = sorted({cls.type_name for cls in all_subclasses(Event)}) + ["topic", "no_such_event"]
print(json.dumps({
    "replaced": RemoteAction._validate_action_result is not rasa_validate and Event.resolve_by_type is not rasa_resolve,
    "answers": [[verdict(rasa_validate, a), verdict(RemoteAction._validate_action_result, a)] for a in answers],
    "events": [[resolved(rasa_resolve, n), resolved(Event.resolve_by_type, n), resolved(Event.resolve_by_type, n)]
               for n in names],
    "unknown_without_default": resolved(lambda name, _: Event.resolve_by_type(name), "no_such_event"),
}))
"""

ANSWERS = [
    {"events": [{"event": "slot", "timestamp": None, "name": "goal", "value": "skill"},
                {"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"}],
     "responses": [{"text": "Training past bij je.", "buttons": [{"title": "Ja", "payload": "/affirm"}]}]},
    {"events": [], "responses": []},
    {},
    {"events": [{"event": "slot", "name": 3}]},  # a slot's name must be a string
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [1]},
    {"events": [{"timestamp": 1.0}]},  # no event type
]


def test_the_speedups_decide_exactly_as_rasa_does() -> None:
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", COMPARE, json.dumps(ANSWERS)],
                          cwd=ROOT, env=base_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["replaced"]
    for answer, (rasa, ours) in zip(ANSWERS, result["answers"], strict=True):
        assert ours == rasa, answer
    assert [verdicts[0] for verdicts in result["answers"]][:3] == [True, True, True]
    assert all(isinstance(verdict, str) and "Failed to validate Action server response" in verdict
               for verdict, _ in result["answers"][3:])
    for rasa, ours, ours_again in result["events"]:
        assert ours == rasa == ours_again  # the second time from memory
    found = {rasa for rasa, _, _ in result["events"]}
    assert {"SlotSet", "UserUttered", "BotUttered", "ActiveLoop", "SessionStarted"} <= found
    assert result["unknown_without_default"] == "Unknown event name 'no_such_event'."
