"""bot/rasa_speedups.py replaces some of Rasa's own methods with faster ones: they must decide exactly
as Rasa's do. Rasa's environment runs both side by side on the same inputs (a broken action server
answer must still be refused, with the same error; every event type must still be found).
The whole stack's tests (every conversation in tests/e2e) run on the speed-ups through
scripts/rasa-server.sh."""

from __future__ import annotations

import json
import subprocess

from tests.support.servers import MODEL, ROOT, base_env

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


LOAD_BOTH_WAYS = r"""
import asyncio, json, sys
from rasa.core.agent import Agent
from rasa.engine.constants import PLACEHOLDER_TRACKER
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.models import RasaModel
from bot import rasa_speedups

texts = json.loads(sys.argv[2])


async def predictions(agent):
    parsed, policies = [], []
    for text in texts:
        result = await agent.parse_message(text)
        selectors = result.get("response_selector", {}).items()
        parsed.append({"intent_ranking": result["intent_ranking"], "entities": result["entities"],
                       "selector": {key: value.get("ranking") for key, value in selectors if isinstance(value, dict)}})
        tracker = DialogueStateTracker.from_events("compare", [
            ActionExecuted("action_session_start"), ActionExecuted("action_listen"),
            UserUttered(text, result["intent"], result["entities"], parse_data=result)], slots=agent.domain.slots)
        nodes = [node for node in agent.processor.model_metadata.predict_schema.nodes
                 if node.startswith("run_TEDPolicy")]
        found = agent.processor.graph_runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=nodes)
        policies.append([found[node].probabilities for node in nodes])
    return {"parsed": parsed, "policies": policies}


rasas = asyncio.run(predictions(Agent.load(sys.argv[1])))
rasa_load = RasaModel.load
rasa_speedups.apply()
ours = asyncio.run(predictions(Agent.load(sys.argv[1])))
print(json.dumps({"replaced": RasaModel.load != rasa_load, "rasa": rasas, "ours": ours}))
"""

# Needs, answers, questions, chit-chat and noise: every classifier and the dialogue policy see each.
TEXTS = ["ik wil beter leren presenteren", "wat is het verschil tussen coaching en mentoring?", "weet ik niet",
         "ik ben net teamleider en vind delegeren lastig", "hoi", "liefst in een groepje", "ik loop vast in mijn werk",
         "vergeet mij", "praat met een mentor", "dank je wel", "qwerty asdf", "een jongere collega leert mij TikTok",
         "hoe lang duurt een coachingstraject?", "ik wil niet meer leven"]


def test_a_model_loaded_without_a_training_step_predicts_exactly_as_rasa_loads_it() -> None:
    """The trained model, loaded by Rasa's own RasaModel.load and by ours, in one process: every intent
    ranking, entity, response ranking and TED probability must be the same number."""
    assert MODEL.exists(), "train the model first: make train"
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", LOAD_BOTH_WAYS, str(MODEL),
                           json.dumps(TEXTS)], cwd=ROOT, env=base_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["replaced"]
    assert result["ours"]["parsed"] == result["rasa"]["parsed"]
    assert result["ours"]["policies"] == result["rasa"]["policies"]
    assert {ranking["intent_ranking"][0]["name"] for ranking in result["ours"]["parsed"]} >= {
        "need_skill", "ask_difference", "need_leadership", "need_distress"}, "the texts reach several intents"


CACHE_VERSUS_RASA = r"""
import asyncio, json, sqlite3, sys
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from bot.tracker_store import ServiceDatabaseTrackerStore

url, path = sys.argv[1], sys.argv[2]
domain = Domain.load("domain.yml")
store = ServiceDatabaseTrackerStore(domain=domain, host=url)
checks = []


def as_dicts(tracker):
    return None if tracker is None else [event.as_dict() for event in tracker.events]


async def compare(step, sender="anna"):
    ours = await store.retrieve(sender)
    rasas = await SQLTrackerStore._retrieve(store, sender, False)  # Rasa's own reading, same database
    checks.append({"step": step, "same": as_dicts(ours) == as_dicts(rasas),
                   "events": len(ours.events) if ours else 0,
                   "slot": ours.get_slot("goal") if ours else None})


async def turn(sender, text, goal, stamp):
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, domain.slots)
    for event in (UserUttered(text, timestamp=stamp), SlotSet("goal", goal, timestamp=stamp + 0.1),
                  BotUttered("ok", timestamp=stamp + 0.2), ActionExecuted("action_listen", timestamp=stamp + 0.3)):
        tracker.update(event)
    await store.save(tracker)


async def main():
    await compare("nothing stored")
    await turn("anna", "hoi", "skill", 100.0)
    await compare("one turn")
    for n in range(5):
        await turn("anna", f"bericht {n}", ["skill", "growth", "problem"][n % 3], 200.0 + n)
        await compare(f"turn {n + 2}")
    # Another Rasa instance (or process) takes the next turn: rows this store never wrote.
    other = ServiceDatabaseTrackerStore(domain=domain, host=url)
    tracker = await other.retrieve("anna")
    tracker.update(SlotSet("goal", "growth", timestamp=300.0))
    await other.save(tracker)
    await compare("a turn by another instance")
    # The service erases the conversation up to a point (an erasure), behind the store's back.
    db = sqlite3.connect(path)
    db.execute("DELETE FROM events WHERE sender_id = 'anna' AND timestamp < 202")
    db.commit()
    await compare("partly erased")
    db.execute("DELETE FROM events WHERE sender_id = 'anna'")
    db.commit()
    await compare("erased")
    await turn("anna", "opnieuw hier", "problem", 400.0)
    await compare("after the erasure")
    # A new session: only its events count, as in Rasa's query.
    tracker = await store.retrieve("anna")
    for event in (ActionExecuted("action_session_start", timestamp=500.0), SessionStarted(timestamp=500.0),
                  SlotSet("goal", "skill", timestamp=500.0), ActionExecuted("action_listen", timestamp=500.1)):
        tracker.update(event)
    await store.save(tracker)
    await compare("a new session")
    await turn("anna", "nog iets", "growth", 600.0)
    await compare("a turn in the new session")
    await compare("another visitor, none stored", sender="bram")

asyncio.run(main())
print(json.dumps(checks))
"""


def test_reading_only_new_events_gives_the_tracker_rasa_reads(tmp_path) -> None:
    """bot/tracker_store.py keeps each conversation's decoded events between turns: after every kind of
    change to the stored conversation it must read exactly what Rasa's own query reads."""
    database = tmp_path / "tracker.db"
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", CACHE_VERSUS_RASA,
                           f"sqlite:///{database}", str(database)], cwd=ROOT, env=base_env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    checks = json.loads(done.stdout.strip().splitlines()[-1])

    assert [check["step"] for check in checks if not check["same"]] == []
    counts = {check["step"]: check["events"] for check in checks}
    assert counts["turn 6"] > counts["one turn"] > 0
    assert 0 < counts["partly erased"] < counts["a turn by another instance"]
    assert counts["erased"] == 0 and counts["another visitor, none stored"] == 0
    assert counts["a turn in the new session"] < counts["after the erasure"] + 8, "the old session is not read"
    assert {check["step"]: check["slot"] for check in checks}["a turn by another instance"] == "growth"


TRAIN_BOTH_WAYS = r"""
import asyncio, json, sys
from pathlib import Path
from keras.engine.data_adapter import GeneratorDataAdapter
from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from bot import rasa_speedups

work, texts = Path(sys.argv[1]), json.loads(sys.argv[2])
keras_dataset = GeneratorDataAdapter.get_dataset


def trained(name):
    return train_nlu(str(work / "config.yml"), str(work / "nlu.yml"), str(work), fixed_model_name=name)


async def rankings(model):
    agent = Agent.load(model)
    return [(await agent.parse_message(text))["intent_ranking"] for text in texts]


rasa_model = trained("rasa")
rasa_speedups.apply()
our_model = trained("ours")
print(json.dumps({"replaced": GeneratorDataAdapter.get_dataset is not keras_dataset,
                  "rasa": asyncio.run(rankings(rasa_model)), "ours": asyncio.run(rankings(our_model))}))
"""

SMALL_CONFIG = """recipe: default.v1
language: nl
assistant_id: speedup-check
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: DIETClassifier
    epochs: 8
    number_of_transformer_layers: 1
    transformer_size: 32
    random_seed: 7
policies: []
"""


def test_a_model_trained_without_autotuning_is_the_model_rasa_trains(tmp_path) -> None:
    """The same small DIET trained by stock Rasa and with the speed-ups, in one process and without
    Rasa's training cache (it would hand the second training the first one's result): every intent
    ranking of the two models must be the same number."""
    examples = {"need_skill": ["ik wil leren presenteren", "ik wil beter leren plannen", "cursus excel graag",
                               "ik wil mijn Engels verbeteren", "een training in onderhandelen"],
                "greet": ["hoi", "hallo", "goedemorgen", "hey daar", "dag allemaal"],
                "ask_difference": ["wat is het verschil tussen coaching en mentoring?", "coaching of training?",
                                   "waarin verschilt een mentor van een coach?", "wat is mentoring precies?",
                                   "is training hetzelfde als coaching?"]}
    (tmp_path / "config.yml").write_text(SMALL_CONFIG)
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n' + "".join(
        f"  - intent: {intent}\n    examples: |\n" + "".join(f"      - {line}\n" for line in lines)
        for intent, lines in examples.items()))
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", TRAIN_BOTH_WAYS, str(tmp_path),
                           json.dumps(TEXTS)], cwd=ROOT, env=base_env(RASA_MAX_CACHE_SIZE="0"),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["replaced"]
    assert result["ours"] == result["rasa"]
    assert {ranking[0]["name"] for ranking in result["ours"]} == set(examples), "the texts reach every intent"
