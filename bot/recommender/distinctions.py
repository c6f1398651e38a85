"""Load the distinctions between the forms of guidance from `distinctions.toml`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FORMS: tuple[str, ...] = ("training", "coaching", "mentoring")
# Also the tie-break order when two questions separate the leaders equally well:
# the goal is the most natural first question, the scope the least.
DIMENSIONS: tuple[str, ...] = ("goal", "setting", "guide_role", "horizon", "scope")
VARIANTS: tuple[str, ...] = ("career", "leadership", "personal_growth", "reverse", "program")

DATA_FILE = Path(__file__).with_name("distinctions.toml")


@dataclass(frozen=True)
class Criterion:
    """One answer (or recognised need) and what it says about each form."""

    dimension: str
    value: str
    points: dict[str, float]
    why: dict[str, str]
    sources: tuple[str, ...]

    def advantage(self, form: str, over: str) -> float:
        return self.points[form] - self.points[over]


@dataclass(frozen=True)
class Profile:
    label: str
    sources: tuple[str, ...]
    summary: str = ""


@dataclass(frozen=True)
class Distinctions:
    criteria: dict[tuple[str, str], Criterion]
    forms: dict[str, Profile]
    variants: dict[str, Profile]
    sources: dict[str, str]
    combination: Profile

    def criterion(self, dimension: str, value: str | None) -> Criterion | None:
        return self.criteria.get((dimension, value)) if value else None

    def knows(self, dimension: object, value: object) -> bool:
        """True for a value this dimension has (an answer we can use); anything else is no answer."""
        return isinstance(dimension, str) and isinstance(value, str) and (dimension, value) in self.criteria

    def values(self, dimension: str) -> list[str]:
        return [value for (dim, value) in self.criteria if dim == dimension]

    def cite(self, source_ids: tuple[str, ...] | list[str]) -> list[str]:
        return [self.sources[source_id] for source_id in source_ids]


class DistinctionsError(ValueError):
    """The data file contradicts itself; raised at load time, never mid-conversation."""


@cache
def load_distinctions(path: Path = DATA_FILE) -> Distinctions:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = {key: entry["cite"] for key, entry in raw["sources"].items()}
    criteria: dict[tuple[str, str], Criterion] = {}
    for entry in raw["criteria"]:
        criterion = Criterion(
            dimension=entry["dimension"],
            value=entry["value"],
            points={form: float(entry["points"][form]) for form in FORMS},
            why={form: entry["why"][form] for form in FORMS},
            sources=tuple(entry["sources"]),
        )
        key = (criterion.dimension, criterion.value)
        if key in criteria:
            raise DistinctionsError(f"criterion {key} is defined twice")
        criteria[key] = criterion
    distinctions = Distinctions(
        criteria=criteria,
        forms={name: _profile(raw["forms"][name]) for name in FORMS},
        variants={name: _profile(raw["variants"][name]) for name in VARIANTS},
        sources=sources,
        combination=Profile(label="", sources=tuple(raw["combination"]["sources"]),
                            summary=raw["combination"]["text"]),
    )
    _check(distinctions)
    return distinctions


def _profile(entry: dict) -> Profile:
    return Profile(label=entry["label"], sources=tuple(entry["sources"]),
                   summary=entry.get("summary", ""))


def _check(distinctions: Distinctions) -> None:
    used = {s for c in distinctions.criteria.values() for s in c.sources}
    used |= {s for p in distinctions.forms.values() for s in p.sources}
    used |= {s for p in distinctions.variants.values() for s in p.sources}
    unknown = used - distinctions.sources.keys()
    if unknown:
        raise DistinctionsError(f"unknown sources: {sorted(unknown)}")
    for dimension in DIMENSIONS:
        if len(distinctions.values(dimension)) < 2:
            raise DistinctionsError(f"dimension {dimension} needs at least two values")
