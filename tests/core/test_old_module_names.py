"""The renamed plugin-facing modules still import under their old names, with a warning, for one release."""

import importlib
import sys

import pytest


@pytest.mark.parametrize("old, new, name", [
    ("core.judging", "core.scoring", "judge_attempts"),
    ("core.dated", "core.dated_values", "DatedValues"),
    ("core.dates", "core.calendar_math", "add_months"),
])
def test_an_old_module_name_warns_and_gives_the_same_objects(old: str, new: str, name: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=new):
        module = importlib.import_module(old)
    assert getattr(module, name) is getattr(importlib.import_module(new), name)
