"""The built-in plugins' rules name their priority level (core.Priority), never a bare number."""

from __future__ import annotations

import re
from importlib import resources

import pytest


@pytest.mark.parametrize("plugin", ["usmle", "plab", "mccqe"])
def test_priorities_are_named_levels(plugin):
    text = resources.files(f"plugins.{plugin}").joinpath("rules.py").read_text(encoding="utf-8")
    assert not re.findall(r"priority=\d", text)
