"""Split a rare Dutch compound into the common words that carry its meaning.

"veiligheidsprocedures", "privacywetgeving", "teamcoaching": Dutch glues words together, so a
visitor's compound is often a word Rasa never saw, while its parts ("veiligheid", "procedure")
are words it knows. Word frequencies come from `wordfreq` (its Dutch list ships in the package):
only a rare word is split, and only into two common ones, so "verslaving" is never cut into
"vers" + "laving". The linking "s", "e" or "en" of Dutch compounds is dropped, and the head is
given as its lemma (spaCy's Dutch lookup table, as the rest of the pipeline uses).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.lookups import Table, load_lookups
from wordfreq import zipf_frequency

MIN_WORD = 7  # shorter words are rarely compounds of two meaningful parts
MIN_PART = 4
# Zipf frequency (log10 per billion words): 3 is about one in a million words.
RARE_BELOW = 3.0
COMMON_FROM = 3.0
LINKS = ("s", "en", "e", "-")


@lru_cache(maxsize=1)
def _lemma_table() -> Table:
    return load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")  # ships with spacy-lookups-data


@lru_cache(maxsize=65_536)
def _frequency(word: str) -> float:
    return zipf_frequency(word, "nl")


def _common(word: str) -> bool:
    return len(word) >= MIN_PART and _frequency(word) >= COMMON_FROM


def _modifier(left: str) -> str | None:
    """The first part as a common word, without a linking letter ("leiderschaps" -> "leiderschap")."""
    for link in LINKS:
        bare = left.removesuffix(link)
        if bare != left and _common(bare):
            return bare
    return left if _common(left) else None


@lru_cache(maxsize=65_536)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a rare compound (modifier, head lemma), or () when the word is common or no compound."""
    word = word.lower()
    if len(word) < MIN_WORD or not word.replace("-", "").isalpha() or _frequency(word) >= RARE_BELOW:
        return ()
    best: tuple[str, str] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[cut:]
        if not _common(head):
            continue
        modifier = _modifier(word[:cut])
        # Of several readings, the most balanced one: "teamcoaching" is team + coaching, not teamcoach + ing.
        if modifier and (best is None or min(len(modifier), len(head)) > min(len(best[0]), len(best[1]))):
            best = (modifier, head)
    if best is None:
        return ()
    return best[0], _lemma_table().get(best[1], best[1])
