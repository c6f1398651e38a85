"""Dutch compound splitting: a rare compound counts as its common parts; a common word stays whole."""

from __future__ import annotations

import pytest

from bot.nlp.compounds import split_compound


@pytest.mark.parametrize(("word", "parts"), [
    ("veiligheidsprocedures", ("veiligheid", "procedure")),  # linking s dropped, head as its lemma
    ("privacywetgeving", ("privacy", "wetgeving")),
    ("teamcoaching", ("team", "coaching")),
    ("leiderschapstraject", ("leiderschap", "traject")),
    ("feedbackgesprekken", ("feedback", "gesprek")),
    ("Loopbaancoach", ("loopbaan", "coach")),
])
def test_a_rare_compound_is_split_into_common_words(word, parts):
    assert split_compound(word) == parts


@pytest.mark.parametrize("word", ["verslaving", "presenteren", "gesprekken", "leidinggevende", "werknemers",
                                  "coaching", "team", "dt-fouten", "2026", "x" * 40])
def test_a_common_word_or_no_word_stays_whole(word):
    assert split_compound(word) == ()
