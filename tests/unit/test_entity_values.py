"""Only canonical dimension values survive NLU (bot.nlu.entity_values)."""

import pytest

from bot.nlu.entity_values import is_canonical


@pytest.mark.parametrize(("entity", "value"), [("setting", "group"), ("horizon", "long"), ("scope", "life"),
                                               ("guide_role", "questioner"), ("goal", "growth")])
def test_canonical_dimension_values_pass(entity, value):
    assert is_canonical(entity, value)


@pytest.mark.parametrize(("entity", "value"), [("scope", "op"), ("setting", "het"), ("setting", "Group"),
                                               ("goal", None), ("horizon", ["long"]), ("setting", "long")])
def test_stray_or_mismatched_dimension_values_are_dropped(entity, value):
    assert not is_canonical(entity, value)


def test_other_entities_are_left_alone():
    assert is_canonical("topic", "presenteren")
