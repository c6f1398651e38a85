"""bot/nlp/topics.toml is well-formed: each pattern leads to one topic, and each can be found."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from bot.nlp.pipeline import dutch_pipeline
from bot.nlp.topics import LEXICON, extract_topics, load_lexicon

TOPICS = tomllib.loads(LEXICON.read_text(encoding="utf-8"))["topic"]
PAIRS = [(topic.get("label"), pattern) for topic in TOPICS for pattern in topic.get("patterns", [])]


def test_every_topic_has_a_label_and_patterns():
    for topic in TOPICS:
        assert set(topic) == {"label", "patterns"}, topic
        assert isinstance(topic["label"], str) and topic["label"].strip(), topic
        assert topic["patterns"], topic["label"]
        assert all(isinstance(p, str) and p.strip() == p and p for p in topic["patterns"]), topic["label"]


def test_labels_are_unique():
    labels = Counter(topic["label"] for topic in TOPICS)
    assert [label for label, n in labels.items() if n > 1] == []


def test_no_pattern_maps_to_two_topics_not_even_after_lemmatising():
    # "vacature" and "vacatures" share a lemma: in two topics that would be ambiguous,
    # in one it is a pattern the lookup table already covers.
    nlp = dutch_pipeline()
    seen: dict[tuple[str, ...], tuple[str, str]] = {}
    clashes = []
    for label, pattern in PAIRS:
        key = tuple(token.lemma_ for token in nlp(pattern))
        if key in seen:
            clashes.append((pattern, label, *seen[key]))
        seen[key] = (pattern, label)
    assert clashes == []


@pytest.mark.parametrize(("label", "pattern"), PAIRS, ids=[p for _, p in PAIRS])
def test_every_pattern_on_its_own_finds_its_topic(label, pattern):
    # Fails when a longer pattern of another topic swallows it, or the tokenizer splits it oddly.
    assert extract_topics([f"Ik wil hulp bij {pattern}."]) == [label]


def test_the_lexicon_covers_the_products_needs():
    labels = {topic["label"] for topic in TOPICS}
    assert 50 <= len(labels) <= 80
    # One topic at least for each need a mentor hears about (skill, coaching, career,
    # onboarding, leadership, personal growth, reverse mentoring, programme).
    assert {"presenteren", "stress", "loopbaan", "inwerken", "leidinggeven", "persoonlijke groei",
            "generatiekloof", "mentorprogramma"} <= labels


@pytest.mark.parametrize(("toml", "problem"), [
    ('[[topic]]\npatterns = ["x"]\n', "without a label"),
    ('[[topic]]\nlabel = "a"\npatterns = []\n', "needs non-empty patterns"),
    ('[[topic]]\nlabel = "a"\npatterns = ["x", " "]\n', "needs non-empty patterns"),
    ('[[topic]]\nlabel = "a"\npatterns = ["x"]\n[[topic]]\nlabel = "a"\npatterns = ["y"]\n', "twice"),
    ('[[topic]]\nlabel = "a"\npatterns = ["Pitch"]\n[[topic]]\nlabel = "b"\npatterns = ["pitch"]\n',
     "'pitch' is in 'a' and 'b'"),
])
def test_a_malformed_lexicon_is_refused_at_start_up(tmp_path: Path, toml, problem):
    path = tmp_path / "topics.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_lexicon(path)


def test_the_shipped_lexicon_loads():
    assert len(load_lexicon()) == len(TOPICS)
