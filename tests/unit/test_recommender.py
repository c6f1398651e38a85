"""The recommender: what a visitor's answers do to the advice, and how it is explained.

The expectations come from the product table (docs/product.md, itself a summary
of the seeds), written out by hand below, and from the data file read directly
with tomllib. Scores used as a yardstick are recomputed here from the raw data,
not taken from the code under test.
"""

from __future__ import annotations

import re
from itertools import combinations, product
from pathlib import Path

import pytest

from bot.recommender import (
    DIMENSIONS,
    FORMS,
    Answers,
    explain,
    explain_without_basis,
    load_distinctions,
    next_question,
    recommend,
)
from bot.recommender.scoring import COMBINATION_MARGIN, is_settled
from tests.unit.datafiles import (
    DATA_FILE,
    SEEDS_DIR,
    load_domain,
    load_raw_distinctions,
)

RAW = load_raw_distinctions()

# The contract from docs/product.md, written out rather than imported.
PRODUCT_FORMS = ("training", "coaching", "mentoring")
PRODUCT_DIMENSIONS = {
    "goal": {"skill", "problem", "growth"},
    "horizon": {"short", "medium", "long"},
    "setting": {"group", "individual"},
    "guide_role": {"expert", "questioner", "experienced"},
    "scope": {"work", "life"},
}
PRODUCT_VARIANTS = {"career", "leadership", "personal_growth", "reverse", "program"}

# What each answer points to, reasoned from the product table:
#   aim:      skill -> training, problem/goal -> coaching, broad growth -> mentoring
#   guide:    expert -> training, asks questions -> coaching, experienced -> mentoring
#   duration: short -> training, depends/longer than training -> coaching, long-term -> mentoring
#   form:     groups -> training, 1-on-1 -> coaching and mentoring
#   scope:    life as a whole -> (personal-growth) mentoring; work is where all three happen.
#   needs:    each mentoring variant's need points to mentoring.
POINTS_TO: dict[tuple[str, str], set[str]] = {
    ("need", "skill"): {"training"},
    ("need", "coaching"): {"coaching"},
    ("need", "career"): {"mentoring"},
    ("need", "onboarding"): {"mentoring"},
    ("need", "leadership"): {"mentoring"},
    ("need", "personal_growth"): {"mentoring"},
    ("need", "reverse"): {"mentoring"},
    ("goal", "skill"): {"training"},
    ("goal", "problem"): {"coaching"},
    ("goal", "growth"): {"mentoring"},
    ("horizon", "short"): {"training"},
    ("horizon", "medium"): {"coaching"},
    ("horizon", "long"): {"mentoring"},
    ("setting", "group"): {"training"},
    ("setting", "individual"): {"coaching", "mentoring"},
    ("guide_role", "expert"): {"training"},
    ("guide_role", "questioner"): {"coaching"},
    ("guide_role", "experienced"): {"mentoring"},
    ("scope", "work"): set(),
    ("scope", "life"): {"mentoring"},
}

# The mentoring variant, from the product text: career/organisation mentor for
# careers and new employees, leadership, personal growth (life), reverse, programme.
NEED_VARIANT = {"career": "career", "onboarding": "career", "leadership": "leadership",
                "personal_growth": "personal_growth", "reverse": "reverse", "program": "program"}
SCOPE_VARIANT = {"work": "career", "life": "personal_growth"}

# An independent model of the scores, straight from the TOML.
POINTS = {(c["dimension"], c["value"]): {f: float(c["points"][f]) for f in PRODUCT_FORMS}
          for c in RAW["criteria"]}
VALUES = {dim: [v for (d, v) in POINTS if d == dim] for dim in PRODUCT_DIMENSIONS}
NEEDS = [v for (d, v) in POINTS if d == "need"]
# Needs the NLU can set that carry no points of their own.
ALL_NEEDS = [None, "unsure", "program", *NEEDS]
CITE = {key: entry["cite"] for key, entry in RAW["sources"].items()}
LABEL = {form: RAW["forms"][form]["label"] for form in PRODUCT_FORMS}


def totals(answers: Answers) -> dict[str, float]:
    result = dict.fromkeys(PRODUCT_FORMS, 0.0)
    keys = [("need", answers.need)] + [(d, getattr(answers, d)) for d in PRODUCT_DIMENSIONS]
    for key in keys:
        for form, points in POINTS.get(key, {}).items():
            result[form] += points
    return result


def expected_variant(answers: Answers) -> str | None:
    # Career vs personal growth is what the scope question asks: its answer wins.
    from_need, from_scope = NEED_VARIANT.get(answers.need or ""), SCOPE_VARIANT.get(answers.scope or "")
    if answers.need in ("career", "personal_growth") and from_scope:
        return from_scope
    return from_need or from_scope


def with_answers(answers: Answers, **changes) -> Answers:
    fields = {d: getattr(answers, d) for d in DIMENSIONS}
    fields.update(changes)
    return Answers(need=answers.need, skipped=answers.skipped, **fields)


def open_dims(answers: Answers) -> list[str]:
    return [d for d in PRODUCT_DIMENSIONS if getattr(answers, d) is None and d not in answers.skipped]


def completions(answers: Answers):
    """Every way the open questions could still be answered (None: 'weet ik niet')."""
    dims = open_dims(answers)
    for choice in product(*[[*VALUES[d], None] for d in dims]):
        yield with_answers(answers, **{d: v for d, v in zip(dims, choice, strict=True) if v is not None})


def changing_completion(answers: Answers, *, include_variant: bool = True) -> Answers | None:
    """Brute force: an answer combination after which the advice is no longer the same.

    Another form overtaking the current leader counts as a change; one that
    only draws level changes the advice only when it wins the documented
    tie-break (the order training, coaching, mentoring). So does a different
    mentoring variant while mentoring leads.
    """
    leader = recommend(answers).form
    variant = expected_variant(answers)
    order = ["training", "coaching", "mentoring"]
    for completion in completions(answers):
        scores = totals(completion)
        if any(scores[form] > scores[leader]
               or (scores[form] == scores[leader] and order.index(form) < order.index(leader))
               for form in PRODUCT_FORMS if form != leader):
            return completion
        if include_variant and leader == "mentoring" and expected_variant(completion) != variant:
            return completion
    return None


def reachable_states(need: str | None, max_answers: int = 2) -> list[Answers]:
    """All states with this need and up to `max_answers` questions answered or skipped."""
    states = []
    for k in range(max_answers + 1):
        for chosen in combinations(sorted(PRODUCT_DIMENSIONS), k):
            for choice in product(*[[*VALUES[d], "SKIP"] for d in chosen]):
                given = {d: v for d, v in zip(chosen, choice, strict=True) if v != "SKIP"}
                skipped = frozenset(d for d, v in zip(chosen, choice, strict=True) if v == "SKIP")
                states.append(Answers(need=need, skipped=skipped, **given))
    return states


STATES = {need: reachable_states(need) for need in ALL_NEEDS}


def bullets(text: str) -> list[str]:
    return [line[2:] for line in text.splitlines() if line.startswith("• ")]


def sources_line(text: str) -> list[str]:
    lines = [line for line in text.splitlines() if line.startswith("Bronnen: ")]
    assert len(lines) == 1, text
    return lines[0][len("Bronnen: "):].split("; ")


def runner_up_line(text: str) -> tuple[str, str]:
    lines = [line for line in text.splitlines() if line.startswith("Tweede keus: ")]
    assert len(lines) == 1, text
    match = re.match(r"Tweede keus: (\w+)\. (.+)$", lines[0])
    assert match, lines[0]
    return match.group(1), match.group(2)


# --- the data file -----------------------------------------------------------


def test_data_file_loads_and_matches_raw_file():
    distinctions = load_distinctions()
    assert len(distinctions.criteria) == len(RAW["criteria"])
    assert set(FORMS) == set(PRODUCT_FORMS)
    assert set(DIMENSIONS) == set(PRODUCT_DIMENSIONS)
    assert set(distinctions.variants) == PRODUCT_VARIANTS


def test_every_answer_of_the_product_contract_has_a_criterion():
    for dimension, values in PRODUCT_DIMENSIONS.items():
        assert set(VALUES[dimension]) == values, dimension


def test_domain_slot_values_match_the_data_file():
    domain = load_domain()
    for dimension in PRODUCT_DIMENSIONS:
        assert set(domain["slots"][dimension]["values"]) == set(VALUES[dimension]), dimension
    # Every need the NLU can recognise moves the scores, except "unsure" (no
    # information), "program" (handled by the programme advice) and "become_mentor" (a mentor
    # candidate gets no advice for a mentee).
    need_values = set(domain["slots"]["need"]["values"])
    assert need_values - {"unsure", "program", "become_mentor"} == set(NEEDS)


DUTCH_WORDS = {"je", "jij", "jouw", "jou", "een", "de", "het", "en", "van", "voor", "is", "niet", "op", "in",
               "met", "die", "dat", "maar", "wilt", "bij", "om", "naar", "geen", "zelf", "over", "gaat", "dan",
               "heeft", "vaak", "meer", "of", "als", "ook", "wel", "zijn", "wordt", "kan", "aan", "te", "er",
               "mee", "hoe", "wat", "één", "minder", "meestal"}
ENGLISH_WORDS = {"the", "and", "you", "your", "with", "for", "this", "that", "skill", "growth"}


@pytest.mark.parametrize("criterion", RAW["criteria"], ids=lambda c: f"{c['dimension']}={c['value']}")
def test_criterion_has_dutch_reasons_for_every_form_and_known_sources(criterion):
    assert set(criterion["why"]) == set(PRODUCT_FORMS)
    texts = [criterion["why"][form] for form in PRODUCT_FORMS]
    for text in texts:
        words = set(re.findall(r"\w+", text.lower()))
        assert len(text) > 20 and len(words & DUTCH_WORDS) >= 2, text
        assert not words & ENGLISH_WORDS, text
    assert len(set(texts)) == 3, "each form needs its own reason"
    assert criterion["sources"], "every criterion rests on a source"
    assert set(criterion["sources"]) <= set(CITE)
    assert set(criterion["points"]) == set(PRODUCT_FORMS)


def test_profiles_name_known_sources():
    for section in ("forms", "variants"):
        for name, entry in RAW[section].items():
            assert entry["sources"] and set(entry["sources"]) <= set(CITE), (section, name)
            assert entry["summary"].strip(), (section, name)
    assert set(RAW["combination"]["sources"]) <= set(CITE)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


SEED_TEXTS = ({path.name: _normalise(path.read_text(encoding="utf-8")) for path in sorted(SEEDS_DIR.iterdir())}
              if SEEDS_DIR.is_dir() else {})
needs_seeds = pytest.mark.skipif(not SEED_TEXTS, reason=f"the seeds are not beside the repository ({SEEDS_DIR})")


@needs_seeds
def test_each_cite_names_a_real_seed_and_its_year():
    for key, cite in CITE.items():
        titles = re.findall(r"'([^']+)'", cite)
        assert titles, f"{key}: the cite should quote the title"
        title = _normalise(titles[0])
        seeds = [name for name, text in SEED_TEXTS.items() if title in text]
        assert seeds, f"{key}: title {title!r} occurs in no seed"
        for year in re.findall(r"\b(?:19|20)\d\d\b", cite):
            assert any(year in SEED_TEXTS[name] for name in seeds), (key, year)


def _own_texts() -> list[str]:
    texts = [why for c in RAW["criteria"] for why in c["why"].values()]
    texts += [entry["summary"] for section in ("forms", "variants") for entry in RAW[section].values()]
    texts.append(RAW["combination"]["text"])
    # What the assistant says in domain.yml, without the lines that name the source.
    for variants in load_domain()["responses"].values():
        for variant in variants:
            texts += [line for line in variant.get("text", "").split("\n") if not line.startswith("Bron:")]
    return texts


def _ngrams(words: list[str], n: int = 8) -> set[str]:
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


@needs_seeds
def test_no_text_is_copied_from_a_seed():
    assert len(SEED_TEXTS) == 5
    # As the brief states it: lowercase, collapse whitespace, 8 words in a row.
    seeds_ws = list(SEED_TEXTS.values())
    # Stricter as well: punctuation does not hide a copied run of words.
    seeds_words = [" ".join(re.findall(r"\w+", text)) for text in seeds_ws]
    copied = []
    for text in _own_texts():
        for gram in _ngrams(_normalise(text).split(" ")):
            if any(gram in seed for seed in seeds_ws):
                copied.append(gram)
        for gram in _ngrams(re.findall(r"\w+", text.lower())):
            if any(gram in seed for seed in seeds_words):
                copied.append(gram)
    assert copied == []


@needs_seeds
def test_copy_check_would_catch_a_copied_sentence():
    """The check above is able to fail: a sentence lifted from a seed is found."""
    seed = next(iter(SEED_TEXTS.values()))
    lifted = " ".join(seed.split(" ")[40:52])
    assert any(gram in seed for gram in _ngrams(lifted.split(" ")))


# --- every distinction moves the outcome the way the sources say ---------------


def _balanced_states() -> list[Answers]:
    """States (up to two answers) in which the three forms score exactly the same."""
    found = []
    for need in ALL_NEEDS:
        for state in STATES[need]:
            if not state.skipped and len(set(totals(state).values())) == 1:
                found.append(state)
    return found


BALANCED = _balanced_states()


def test_there_are_neutral_and_balanced_states():
    assert Answers() in BALANCED
    assert any(state != Answers() and totals(state)["training"] > 0 for state in BALANCED)


@pytest.mark.parametrize("criterion", RAW["criteria"], ids=lambda c: f"{c['dimension']}={c['value']}")
def test_each_answer_moves_the_scores_towards_the_forms_it_points_to(criterion):
    key = (criterion["dimension"], criterion["value"])
    assert key in POINTS_TO, f"{key} is new: decide from the sources which form it points to"
    favoured = POINTS_TO[key]
    dimension, value = key
    starts = [s for s in BALANCED
              if (s.need is None if dimension == "need" else getattr(s, dimension) is None)]
    assert starts
    for start in starts:
        after = Answers(**{**{d: getattr(start, d) for d in DIMENSIONS}, "need": start.need,
                           dimension: value})
        before_scores, after_scores = recommend(start).scores, recommend(after).scores
        for form in PRODUCT_FORMS:
            for other in PRODUCT_FORMS:
                gained = (after_scores[form] - after_scores[other]) - (before_scores[form] - before_scores[other])
                if form in favoured and other not in favoured:
                    assert gained > 0, (start, key, form, other)
                if not favoured:
                    assert gained == 0, (start, key, form, other)
        if favoured:
            advice = recommend(after)
            assert advice.form in favoured, (start, key, advice.scores)
            assert all(after_scores[f] > after_scores[o] for f in favoured
                       for o in PRODUCT_FORMS if o not in favoured)


# Hand-reasoned: a state where another form leads, then one answer tips it.
# Points (training, coaching, mentoring) from the data file are in the comments.
TIPPING_CASES = [
    # questioner (0,3,1) + short (2,1,0) = (2,4,1) coaching; + group (3,0,0) -> (5,4,1)
    pytest.param(Answers(guide_role="questioner", horizon="short"), {"setting": "group"},
                 "coaching", "training", id="group->training"),
    # need leadership (.5,1.5,2) mentoring; + questioner (0,3,1) -> (.5,4.5,3)
    pytest.param(Answers(need="leadership"), {"guide_role": "questioner"},
                 "mentoring", "coaching", id="questioner->coaching"),
    # goal problem (0,3,1) coaching; + experienced (0,0,3) -> (0,3,4)
    pytest.param(Answers(goal="problem"), {"guide_role": "experienced"},
                 "coaching", "mentoring", id="experienced->mentoring"),
    # need coaching (0,2,.5) coaching; + long (0,.5,3) -> (0,2.5,3.5)
    pytest.param(Answers(need="coaching"), {"horizon": "long"},
                 "coaching", "mentoring", id="long->mentoring"),
    # reverse (0,0,3) + expert (3,0,1) = (3,0,4) mentoring; + short (2,1,0) -> (5,1,4)
    pytest.param(Answers(need="reverse", guide_role="expert"), {"horizon": "short"},
                 "mentoring", "training", id="short->training"),
    # need leadership (.5,1.5,2) mentoring; + goal skill (3,1,0) -> (3.5,2.5,2)
    pytest.param(Answers(need="leadership"), {"goal": "skill"},
                 "mentoring", "training", id="goal-skill->training"),
    # need career (0,1,2) mentoring; + problem (0,3,1) -> (0,4,3)
    pytest.param(Answers(need="career"), {"goal": "problem"},
                 "mentoring", "coaching", id="problem->coaching"),
    # need coaching (0,2,.5) coaching; + growth (0,1,3) -> (0,3,3.5)
    pytest.param(Answers(need="coaching"), {"goal": "growth"},
                 "coaching", "mentoring", id="growth->mentoring"),
]


@pytest.mark.parametrize(("start", "answer", "before", "after"), TIPPING_CASES)
def test_one_answer_tips_the_advice(start, answer, before, after):
    assert recommend(start).form == before
    advice = recommend(with_answers(start, **answer))
    assert advice.form == after
    assert advice.scores[after] > max(v for f, v in advice.scores.items() if f != after)


def test_scope_life_points_to_a_personal_growth_mentor():
    # growth (0,1,3) + long (0,.5,3): mentoring, but which mentor is unknown.
    start = Answers(goal="growth", horizon="long")
    assert recommend(start).form == "mentoring"
    advice = recommend(with_answers(start, scope="life"))
    assert advice.form == "mentoring"
    assert advice.variant == "personal_growth"
    # life (0,1,2) widens mentoring's lead over both others.
    before = recommend(start).scores
    assert advice.scores["mentoring"] - advice.scores["coaching"] > before["mentoring"] - before["coaching"]
    assert advice.scores["mentoring"] - advice.scores["training"] > before["mentoring"] - before["training"]
    assert recommend(with_answers(start, scope="work")).variant == "career"


def test_a_single_life_scope_answer_already_gives_a_personal_growth_mentor():
    advice = recommend(Answers(scope="life"))  # (0,1,2)
    assert (advice.form, advice.variant) == ("mentoring", "personal_growth")


# --- personas ----------------------------------------------------------------

PERSONAS = [
    # skill (2,.5,0) + group (3,0,0) + expert (3,0,1) = (8,.5,1)
    pytest.param(Answers(need="skill", setting="group", guide_role="expert"), "training", None,
                 id="skill-group-expert"),
    # coaching (0,2,.5) + individual (0,2,2) + questioner (0,3,1) + medium (0,2,1) = (0,9,4.5)
    pytest.param(Answers(need="coaching", setting="individual", guide_role="questioner", horizon="medium"),
                 "coaching", None, id="coaching-individual-questioner-medium"),
    # onboarding (.5,0,2.5): a career/organisation mentor for a newcomer
    pytest.param(Answers(need="onboarding"), "mentoring", "career", id="onboarding"),
    # leadership (.5,1.5,2) + individual (0,2,2) + experienced (0,0,3) = (.5,3.5,7)
    pytest.param(Answers(need="leadership", setting="individual", guide_role="experienced"),
                 "mentoring", "leadership", id="leadership-individual-experienced"),
    # reverse (0,0,3)
    pytest.param(Answers(need="reverse"), "mentoring", "reverse", id="reverse"),
    pytest.param(Answers(need="reverse", setting="individual"), "mentoring", "reverse", id="reverse-individual"),
    # unsure (nothing) + growth (0,1,3) + long (0,.5,3) + life (0,1,2) = (0,2.5,8)
    pytest.param(Answers(need="unsure", goal="growth", horizon="long", scope="life"),
                 "mentoring", "personal_growth", id="unsure-growth-long-life"),
]


@pytest.mark.parametrize(("answers", "form", "variant"), PERSONAS)
def test_persona_gets_the_advice_the_sources_suggest(answers, form, variant):
    advice = recommend(answers)
    assert advice.form == form
    assert advice.variant == variant
    assert advice.runner_up != form
    text = explain(advice)
    assert text.startswith(f"Mijn advies: {LABEL[form]}.")
    if variant:
        assert RAW["variants"][variant]["label"] in text.splitlines()[0]


def test_variant_is_only_given_for_mentoring():
    for need in ALL_NEEDS:
        for state in STATES[need]:
            advice = recommend(state)
            if advice.form == "mentoring":
                assert advice.variant in PRODUCT_VARIANTS
                if expected_variant(state):
                    assert advice.variant == expected_variant(state), state
            else:
                assert advice.variant is None, state


def test_the_advice_is_always_a_best_scoring_form():
    for need in ALL_NEEDS:
        for state in STATES[need]:
            advice, scores = recommend(state), totals(state)
            assert scores[advice.form] == max(scores.values()), state
            others = [v for f, v in scores.items() if f != advice.form]
            assert scores[advice.runner_up] == max(others), state


# --- Answers.from_slots --------------------------------------------------------


def test_from_slots_reads_known_answers():
    answers = Answers.from_slots({"need": "skill", "goal": "skill", "setting": "group", "horizon": "short",
                                  "guide_role": "expert", "scope": "work", "skipped_questions": []})
    assert (answers.need, answers.goal, answers.setting, answers.horizon, answers.guide_role, answers.scope) == (
        "skill", "skill", "group", "short", "expert", "work")


def test_from_slots_ignores_unknown_values():
    answers = Answers.from_slots({"setting": "<script>", "goal": "group", "horizon": "", "scope": 42,
                                  "guide_role": "Expert"})
    assert (answers.setting, answers.goal, answers.horizon, answers.scope, answers.guide_role) == (
        None, None, None, None, None)
    # An unknown need changes nothing about the advice.
    assert recommend(Answers.from_slots({"need": "<script>"})).scores == recommend(Answers()).scores
    assert recommend(Answers.from_slots({"need": "<script>", "goal": "growth"})).variant == recommend(
        Answers(goal="growth")).variant


def test_from_slots_ignores_unknown_skipped_names():
    answers = Answers.from_slots({"skipped_questions": ["setting", "need", "bogus", "<script>", None]})
    assert answers.skipped == frozenset({"setting"})
    assert "setting" not in answers.open_dimensions()
    assert Answers.from_slots({"skipped_questions": None}).skipped == frozenset()


def test_from_slots_ignores_a_list_value():
    assert Answers.from_slots({"setting": ["group"]}).setting is None


# --- is_settled / next_question, checked by brute force ---------------------------


def test_brute_force_helper_sees_both_outcomes():
    # Hand-reasoned settled state: (13, 2.5, 1); scope adds at most +1 coaching, +2 mentoring.
    settled = Answers(need="skill", goal="skill", setting="group", guide_role="expert", horizon="short")
    assert totals(settled) == {"training": 13.0, "coaching": 2.5, "mentoring": 1.0}
    assert changing_completion(settled) is None
    assert is_settled(settled)
    assert next_question(settled) is None
    # need=skill alone (2,.5,0): growth + long + experienced + individual + life = (2,5,13).
    unsettled = Answers(need="skill")
    assert changing_completion(unsettled) is not None
    flip = Answers(need="skill", goal="growth", horizon="long", guide_role="experienced",
                   setting="individual", scope="life")
    assert totals(flip) == {"training": 2.0, "coaching": 5.0, "mentoring": 13.0}
    assert recommend(flip).form == "mentoring"
    assert not is_settled(unsettled)
    assert next_question(unsettled) in DIMENSIONS


@pytest.mark.parametrize("need", ALL_NEEDS, ids=str)
def test_settled_exactly_when_no_open_answer_can_change_the_advice(need):
    for state in STATES[need]:
        flip = changing_completion(state)
        assert is_settled(state) == (flip is None), (state, flip)
        assert recommend(state).settled == (flip is None), state
        question = next_question(state)
        if flip is None:
            assert question is None, state
        elif open_dims(state):
            assert question in open_dims(state), state


@pytest.mark.parametrize("need", ALL_NEEDS, ids=str)
def test_next_question_never_asks_an_answered_or_skipped_question(need):
    for state in STATES[need]:
        question = next_question(state)
        if question is not None:
            assert getattr(state, question) is None, state
            assert question not in state.skipped, state


def test_weet_ik_niet_to_everything_ends_the_questions():
    for need in ALL_NEEDS:
        state = Answers(need=need, skipped=frozenset(DIMENSIONS))
        assert next_question(state) is None


def test_following_next_question_never_repeats_a_question_and_ends():
    """Whatever a visitor answers (or skips), no question comes twice and at most five are asked."""
    for need in ALL_NEEDS:
        pending = [(Answers(need=need), ())]
        while pending:
            state, asked = pending.pop()
            question = next_question(state)
            if question is None:
                continue
            assert question not in asked, (state, asked)
            assert len(asked) < len(PRODUCT_DIMENSIONS)
            for value in [*VALUES[question], None]:
                if value is None:
                    following = Answers(need=state.need, skipped=state.skipped | {question},
                                        **{d: getattr(state, d) for d in DIMENSIONS})
                else:
                    following = with_answers(state, **{question: value})
                pending.append((following, (*asked, question)))


def test_asks_scope_when_only_the_mentoring_variant_is_open():
    # growth (0,1,3) + long (0,.5,3) + experienced (0,0,3) + individual (0,2,2) = (0,3.5,11):
    # nothing can beat mentoring, but work or life decides which mentor.
    state = Answers(goal="growth", horizon="long", guide_role="experienced", setting="individual")
    assert changing_completion(state, include_variant=False) is None
    assert next_question(state) == "scope"
    # Once the variant is known, there is nothing left to ask.
    assert next_question(with_answers(state, scope="life")) is None
    # Onboarding fixes the variant (a workplace mentor); career still asks work-or-life.
    answered = {d: getattr(state, d) for d in DIMENSIONS}
    assert next_question(Answers(need="onboarding", **answered)) is None
    assert next_question(Answers(need="career", **answered)) == "scope"


def test_asks_scope_first_when_mentoring_is_certain_but_its_variant_is_not():
    # growth (0,1,3) + long (0,.5,3) = (0,1.5,6); open: setting, guide_role, scope.
    # Best case for coaching: questioner +2, individual 0, life -1 -> at most +2 < 4.5.
    # Best case for training: group +3, expert +2, work 0 -> at most +5 < 6.
    state = Answers(goal="growth", horizon="long")
    assert changing_completion(state, include_variant=False) is None
    assert next_question(state) == "scope"


def test_mentoring_certain_variant_open_always_asks_scope():
    wrong = []
    for need in ALL_NEEDS:
        for state in STATES[need]:
            if (recommend(state).form == "mentoring" and expected_variant(state) is None
                    and "scope" in open_dims(state)
                    and changing_completion(state, include_variant=False) is None
                    and next_question(state) != "scope"):
                wrong.append((state, next_question(state)))
    assert wrong == []


def _separation_training_coaching(dimension: str) -> float:
    values = VALUES[dimension]
    return sum(abs(POINTS[(dimension, v)]["training"] - POINTS[(dimension, v)]["coaching"])
               for v in values) / len(values)


def test_first_question_for_a_skill_need_separates_training_from_coaching_best():
    # need=skill (2,.5,0): training leads, coaching is the runner-up.
    assert recommend(Answers(need="skill")).runner_up == "coaching"
    separation = {d: _separation_training_coaching(d) for d in PRODUCT_DIMENSIONS}
    # By hand: goal (2+3+1)/3=2, setting (3+2)/2=2.5, guide_role (3+3+0)/3=2,
    # horizon (1+2+.5)/3, scope (0+1)/2 -> setting.
    best = max(separation.values())
    assert [d for d, s in separation.items() if s == best] == ["setting"]
    assert next_question(Answers(need="skill")) == "setting"


def test_first_question_without_a_need_separates_all_three_forms_best():
    # Nothing known: all three tie, so every pair of forms is in question.
    def separation(dimension: str) -> float:
        values = VALUES[dimension]
        return sum(abs(POINTS[(dimension, v)][a] - POINTS[(dimension, v)][b]) for v in values
                   for a, b in combinations(PRODUCT_FORMS, 2)) / len(values)

    scores = {d: separation(d) for d in PRODUCT_DIMENSIONS}
    best = {d for d, s in scores.items() if s == max(scores.values())}
    # By hand: goal 2 + 7/3 + 5/3 = 6, guide_role 2 + 2 + 2 = 6, setting 5, horizon 14/3.
    assert best == {"goal", "guide_role"}
    for need in (None, "unsure"):
        assert next_question(Answers(need=need)) in best


def test_skipping_the_best_question_moves_on_to_another():
    state = Answers(need="skill", skipped=frozenset({"setting"}))
    question = next_question(state)
    assert question is not None and question != "setting"


# --- explanations -----------------------------------------------------------------


def _why_texts(form: str) -> dict[str, tuple[str, str]]:
    return {c["why"][form]: (c["dimension"], c["value"]) for c in RAW["criteria"]}


def _sources_of_text(text: str, form: str) -> list[str]:
    """The source ids behind a reason text, looked up in the raw data."""
    for c in RAW["criteria"]:
        if c["why"][form] == text:
            return c["sources"]
    if RAW["forms"][form]["summary"] == text:
        return RAW["forms"][form]["sources"]
    if RAW["combination"]["text"] == text:
        return RAW["combination"]["sources"]
    raise AssertionError(f"not a text from the data file: {text!r}")


def _answered(state: Answers) -> set[tuple[str, str]]:
    keys = {("need", state.need)} | {(d, getattr(state, d)) for d in PRODUCT_DIMENSIONS}
    return {key for key in keys if key in POINTS}


def _three_way_tie(state: Answers) -> bool:
    return len(set(totals(state).values())) == 1


def check_explanation(state: Answers) -> None:
    advice = recommend(state)
    text = explain(advice)
    leader = advice.form
    answered = _answered(state)

    reasons = bullets(text)
    assert 2 <= len(reasons) <= 3, (state, text)
    expected_cites: set[str] = set()
    for reason in reasons:
        origin = _why_texts(leader).get(reason)
        if origin is not None:
            # A reason from an answer the visitor gave, which favours the leader.
            assert origin in answered, (state, reason)
            points = POINTS[origin]
            assert points[leader] > min(points[f] for f in PRODUCT_FORMS if f != leader), (state, reason)
        else:
            assert reason == RAW["forms"][leader]["summary"], (state, reason)
        expected_cites |= {CITE[s] for s in _sources_of_text(reason, leader)}

    runner_label, why_not = runner_up_line(text)
    runner_up = next(f for f in PRODUCT_FORMS if LABEL[f] == runner_label)
    scores = totals(state)
    assert runner_up != leader
    assert scores[runner_up] == max(v for f, v in scores.items() if f != leader), state
    origin = _why_texts(runner_up).get(why_not)
    if origin is not None:
        assert origin in answered and POINTS[origin][leader] > POINTS[origin][runner_up], (state, why_not)
    else:
        assert why_not == RAW["forms"][runner_up]["summary"], (state, why_not)
        # Only when no answer favours the leader over the runner-up.
        assert all(POINTS[key][leader] <= POINTS[key][runner_up] for key in answered), state
    expected_cites |= {CITE[s] for s in _sources_of_text(why_not, runner_up)}

    combination = RAW["combination"]["text"]
    close = ({leader, runner_up} == {"coaching", "mentoring"}
             and scores[leader] - scores[runner_up] <= COMBINATION_MARGIN)
    assert (combination in text) == close, (state, scores)
    if close:
        expected_cites |= {CITE[s] for s in RAW["combination"]["sources"]}

    assert set(sources_line(text)) == expected_cites, state
    assert len(sources_line(text)) == len(set(sources_line(text))), "a source is listed twice"


@pytest.mark.parametrize("need", ALL_NEEDS, ids=str)
def test_explanation_gives_reasons_runner_up_and_sources(need):
    for state in STATES[need]:
        if not _three_way_tie(state):
            check_explanation(state)


def test_no_advice_is_pretended_when_every_question_was_skipped():
    advice = recommend(Answers(need="unsure", skipped=frozenset(DIMENSIONS)))
    assert advice.informed is False
    text = explain_without_basis()
    assert "nog geen onderbouwd advies" in text
    for form in ("Training", "Coaching", "Mentoring"):
        assert f"{form}: " in text
    assert recommend(Answers(need="skill", skipped=frozenset(DIMENSIONS))).informed is True


def test_explanation_of_skill_group_expert_persona_by_hand():
    state = Answers(need="skill", setting="group", guide_role="expert")  # (8, .5, 1)
    text = explain(recommend(state))
    assert text.startswith("Mijn advies: training.")
    # Edges over the mean of the others: group 3, expert 2.5, need 1.75: all three, best first.
    why = {(c["dimension"], c["value"]): c["why"]["training"] for c in RAW["criteria"]}
    assert bullets(text) == [why[("setting", "group")], why[("guide_role", "expert")], why[("need", "skill")]]
    # Runner-up mentoring (1 > .5); group favours training most over mentoring (3 vs 0).
    group_why_mentoring = next(c["why"]["mentoring"] for c in RAW["criteria"]
                               if (c["dimension"], c["value"]) == ("setting", "group"))
    assert f"Tweede keus: mentoring. {group_why_mentoring}" in text
    assert RAW["combination"]["text"] not in text
    assert CITE["groei_door_doen_2021"] in sources_line(text)


COMBINATION_CASES = [
    # leadership (.5,1.5,2) + individual (0,2,2) = (.5,3.5,4): coaching and mentoring half a point apart
    pytest.param(Answers(need="leadership", setting="individual"), True, id="leadership-individual"),
    # career (0,1,2) + medium (0,2,1) = (0,3,3): a tie
    pytest.param(Answers(need="career", horizon="medium"), True, id="career-medium"),
    # problem (0,3,1) + long (0,.5,3) = (0,3.5,4)
    pytest.param(Answers(goal="problem", horizon="long"), True, id="problem-long"),
    # leadership + individual + experienced = (.5,3.5,7): mentoring is clearly ahead
    pytest.param(Answers(need="leadership", setting="individual", guide_role="experienced"), False,
                 id="mentoring-far-ahead"),
    # growth (0,1,3) + individual (0,2,2) = (0,3,5): two points apart, more than the 1.5 margin
    pytest.param(Answers(goal="growth", setting="individual"), False, id="mentoring-two-ahead"),
    # skill (3,1,0) + questioner (0,3,1) = (3,4,1): close, but training is the other one
    pytest.param(Answers(goal="skill", guide_role="questioner"), False, id="training-coaching-close"),
    # individual (0,2,2) + expert (3,0,1) = (3,2,3): coaching and mentoring close, training in the top two
    pytest.param(Answers(setting="individual", guide_role="expert"), False, id="training-on-top"),
]


@pytest.mark.parametrize(("answers", "combine"), COMBINATION_CASES)
def test_combination_advice_only_when_coaching_and_mentoring_are_close(answers, combine):
    advice = recommend(answers)
    text = explain(advice)
    assert (RAW["combination"]["text"] in text) == combine
    assert (advice.combination is not None) == combine
    if combine:
        assert CITE["ambits_2020"] in sources_line(text)


def test_explanation_mentions_the_variant():
    text = explain(recommend(Answers(need="reverse")))
    assert RAW["variants"]["reverse"]["label"] in text
    text = explain(recommend(Answers(need="skill", goal="skill")))
    assert not any(v["label"] in text for v in RAW["variants"].values())


def test_data_file_path_is_the_one_loaded():
    # Guard against the tests reading a different file than the code.
    from bot.recommender.distinctions import DATA_FILE as CODE_DATA_FILE

    assert Path(CODE_DATA_FILE).resolve() == DATA_FILE.resolve()


def test_scope_answer_decides_between_career_and_personal_growth_mentor():
    # Opening read as personal growth, but the visitor says it is about work.
    work = recommend(Answers(need="personal_growth", scope="work", guide_role="experienced", horizon="long"))
    assert (work.form, work.variant) == ("mentoring", "career")
    life = recommend(Answers(need="career", scope="life", guide_role="experienced", horizon="long"))
    assert (life.form, life.variant) == ("mentoring", "personal_growth")
    # Leadership and reverse mentoring are not a work-or-life question.
    lead = recommend(Answers(need="leadership", scope="life", guide_role="experienced", horizon="long"))
    assert lead.variant == "leadership"
