"""The intents a flagged message may be given: the assistant's own (domain.yml), so the exported
training data always fits the model. A retrieval intent counts by its sub-intents
(`ask_difference/duration`), the form its training examples need."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DOMAIN_FILE = Path(__file__).resolve().parents[3] / "domain.yml"
FALLBACK_INTENT = "nlu_fallback"  # Rasa's "not understood": never a correct intent


@lru_cache
def known_intents(domain_file: Path = DOMAIN_FILE) -> tuple[str, ...]:
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    names = [next(iter(entry)) if isinstance(entry, dict) else str(entry) for entry in domain.get("intents") or []]
    retrieval: dict[str, list[str]] = {}
    for response in domain.get("responses") or {}:
        base, _, sub = str(response).removeprefix("utter_").partition("/")
        if sub and base in names:
            retrieval.setdefault(base, []).append(f"{base}/{sub}")
    found: list[str] = []
    for name in names:
        found += sorted(retrieval[name]) if name in retrieval else [name]
    return tuple(name for name in found if name != FALLBACK_INTENT)
