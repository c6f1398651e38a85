"""The project's data files read plainly (tomllib, yaml), independent of the code under test."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_FILE = REPO_ROOT / "bot" / "recommender" / "distinctions.toml"
DOMAIN_FILE = REPO_ROOT / "domain.yml"
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"  # beside the repository, when present


def load_raw_distinctions() -> dict:
    return tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))


def load_domain() -> dict:
    return yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))


def domain_buttons(domain: dict) -> list[dict]:
    """Every button of every response in domain.yml."""
    return [button
            for variants in domain.get("responses", {}).values()
            for variant in variants
            for button in variant.get("buttons", []) or []]
