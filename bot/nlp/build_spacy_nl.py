"""Build the Dutch spaCy pipeline Rasa's SpacyNLP loads.

No trained Dutch spaCy model can be downloaded here, so we build one: a blank
`nl` tokenizer plus the lookup lemmatizer, whose table ships in the
`spacy-lookups-data` package. The default `rule` mode needs POS tags we do not
have and would silently return every word unchanged, hence `mode="lookup"`.

Usage: python -m bot.nlp.build_spacy_nl build/spacy_nl
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy


def build(output: Path) -> None:
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads nl_lemma_lookup from spacy-lookups-data
    nlp.meta["name"] = "nl_lookup"
    nlp.meta["description"] = "Blank Dutch tokenizer with the lookup lemmatizer (built by bot.nlp)"
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    sample = [token.lemma_ for token in nlp("trainingen voor mentoren ging")]
    print(f"spaCy nl pipeline written to {output}; lemmas: {' '.join(sample)}")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "build/spacy_nl"))
