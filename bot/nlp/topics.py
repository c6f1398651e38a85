"""Development topics in a visitor's own words, for the lead summary a mentor reads.

"ik vind presenteren eng en moet leren delegeren" -> ["presenteren", "delegeren"].
The lexicon (topics.toml) is matched on lemmas, so "presenteerde" finds "presenteren".
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from bot.nlp.pipeline import dutch_pipeline

LEXICON = Path(__file__).with_name("topics.toml")
# Per call, over all texts: bounds latency whatever a caller passes in. A mentor needs the
# first mentions, and the REST channel caps a message at 2,000 characters anyway.
MAX_CHARS = 20_000

_HIDDEN = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")
# spaCy's tokenizer is quadratic on one long run of punctuation or emoji (20,000 emoji: about
# a minute). No Dutch word is this long, so such runs carry no topic and are dropped.
_LONG_RUN = re.compile(r"\S{80,}")
# Phones type curly apostrophes; the tokenizer only keeps "zzp'er" whole with a straight one.
_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u00b4": "'", "`": "'"})


def load_lexicon(path: Path = LEXICON) -> dict[str, list[str]]:
    """Label -> patterns. A malformed file fails at start-up, not in a visitor's conversation."""
    topics = tomllib.loads(path.read_text(encoding="utf-8")).get("topic", [])
    lexicon: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for topic in topics:
        label, patterns = topic.get("label"), topic.get("patterns")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{path.name}: a topic without a label: {topic}")
        if label in lexicon:
            raise ValueError(f"{path.name}: topic {label!r} appears twice")
        if not patterns or not all(isinstance(p, str) and p.strip() for p in patterns):
            raise ValueError(f"{path.name}: topic {label!r} needs non-empty patterns")
        for pattern in patterns:
            key = pattern.strip().lower()
            if owner.setdefault(key, label) != label:
                raise ValueError(f"{path.name}: {pattern!r} is in {owner[key]!r} and {label!r}")
        lexicon[label] = patterns
    return lexicon


@cache
def _matcher() -> tuple[Language, PhraseMatcher]:
    """Built once per process (under a second): loading the lemma table is the slow part."""
    nlp = dutch_pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for label, patterns in load_lexicon().items():
        docs = list(nlp.pipe(patterns))
        # The tokenizer keeps abbreviations whole ("me.", "z."), so "hij pest me." ends in the
        # token "me.": where a full stop glues on like that, match the pattern with it as well.
        with_stop = nlp.pipe(f"{pattern}." for pattern in patterns)
        glued = [stop for stop, doc in zip(with_stop, docs, strict=True) if len(stop) == len(doc)]
        matcher.add(label, docs + glued)
    return nlp, matcher


def _clean(text: str) -> str:
    # Script bodies are not the visitor's words; other tags would glue onto words.
    text = html.unescape(text)
    text = _TAG.sub(" ", _HIDDEN.sub(" ", text))
    return _LONG_RUN.sub(" ", text.translate(_APOSTROPHES))


def _bounded(texts: Iterable[str], budget: int) -> Iterator[str]:
    for text in texts:
        if budget <= 0:
            return
        if not isinstance(text, str) or not text.strip():
            continue
        piece = text[:budget]
        budget -= len(piece)
        yield _clean(piece)


def extract_topics(texts: Iterable[str], limit: int = 10) -> list[str]:
    """Topic labels in order of first mention, each once, at most `limit`."""
    if isinstance(texts, str):  # one message passed bare: not a sequence of characters
        texts = [texts]
    if limit <= 0:
        return []
    nlp, matcher = _matcher()
    found: list[str] = []
    for doc in nlp.pipe(_bounded(texts, MAX_CHARS)):
        # Longest match wins where patterns overlap: "mijn leidinggevende" over "leidinggevende".
        for span in filter_spans(matcher(doc, as_spans=True)):
            if span.label_ not in found:
                found.append(span.label_)
                if len(found) == limit:
                    return found
    return found
