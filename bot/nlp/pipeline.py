"""The one Dutch spaCy pipeline: Rasa's NLU (via build_spacy_nl) and topic extraction share it.

No trained Dutch model can be downloaded here, so it is a blank `nl` tokenizer plus
the lookup lemmatizer, whose table ships in `spacy-lookups-data`. The default `rule`
mode needs POS tags we do not have and would return every word unchanged, hence
`mode="lookup"`. Works with spaCy 3.4 (Rasa's venv) and 3.8 (the action server's).
"""

from __future__ import annotations

import spacy
from spacy.language import Language


def dutch_pipeline() -> Language:
    """A fresh, initialised pipeline; callers that need it often should cache it."""
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads nl_lemma_lookup from spacy-lookups-data; no network
    return nlp
