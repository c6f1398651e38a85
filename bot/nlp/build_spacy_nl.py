"""Write the Dutch spaCy pipeline (bot/nlp/pipeline.py) to disk for Rasa's SpacyNLP.

Usage: python -m bot.nlp.build_spacy_nl build/spacy_nl
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.nlp.pipeline import dutch_pipeline


def build(output: Path) -> None:
    nlp = dutch_pipeline()
    nlp.meta["name"] = "nl_lookup"
    nlp.meta["description"] = "Blank Dutch tokenizer with the lookup lemmatizer (built by bot.nlp)"
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    sample = [token.lemma_ for token in nlp("trainingen voor mentoren ging")]
    print(f"spaCy nl pipeline written to {output}; lemmas: {' '.join(sample)}")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "build/spacy_nl"))
